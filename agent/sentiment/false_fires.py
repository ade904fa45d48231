"""Per-cue false-fire rates on a calm message set (by default evals/data/calm_multidomain.jsonl).

Run ``python -m agent.sentiment.false_fires [PATH]``: every line is a calm message, so any alarm cue
that fires on one is a false fire. Gratitude and a calm cancellation request describe calm
messages by design and are reported apart.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from agent.sentiment.cues import detect
from agent.sentiment.reading import KNOWN_SIGNALS

CALM_CUES = frozenset({"gratitude", "cancellation_request"})
DEFAULT_SET = Path(__file__).parents[2] / "evals" / "data" / "calm_multidomain.jsonl"


def false_fire_rates(texts: list[str]) -> dict[str, float]:
    """The share of ``texts`` on which each known cue fires."""
    fired: Counter[str] = Counter(cue for text in texts for cue in detect(text))
    return {cue: fired[cue] / max(1, len(texts)) for cue in KNOWN_SIGNALS}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_SET
    texts = [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    print(f"{len(texts)} calm messages from {path.name}")
    for cue, rate in false_fire_rates(texts).items():
        note = " (calm by design)" if cue in CALM_CUES else ""
        print(f"  {cue:28s} {rate:6.1%}{note}")


if __name__ == "__main__":
    main()
