"""Refits the conversation risk model to labelled conversations, read by the default analyzer.

    .venv/bin/python -m agent.risk.refit [--input evals/data/labelled_conversations.jsonl]
        [--output agent/risk/model/risk_model.json] [--base-rate 0.15] [--sentiment-model PATH]
        [--no-vectors]

Run it after the sentiment reader changes (its readings are what the model weighs). Messages are
read as a server with defaults reads them: with the MiniLM vector (``--no-vectors`` reads without).
Conversations with ``"split": "held_out"`` are kept out of the fit and measured; the figures are
printed and written into the model file's ``info``. Input lines are ``{conversation_id, turns:
[{speaker, text, grounded?}], outcome: good|bad, split?, domain?}`` (``should_escalate`` stands in
for ``outcome``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from agent.message_vectors import QueryVectors
from agent.replay import (
    InvalidTranscript,
    answer_grounded,
    read_conversation,
    validate_conversation,
)
from agent.risk.features import Trajectory
from agent.risk.fit import LabelledTrajectories, choose_l2, fit, max_risks, ranking
from agent.risk.model import DEFAULT_MODEL_PATH
from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.reading import SentimentAnalyzer, SentimentReading
from agent.sentiment.trend import summarize
from knowledge.embeddings import default_embedder

DEFAULT_INPUT = Path(__file__).parents[2] / "evals" / "data" / "labelled_conversations.jsonl"
# The policy's default trend settings (agent/policy/default_policy.yaml), as the live turn uses them.
TREND_WINDOW, SLOPE_THRESHOLD = 4, 0.1


def trajectories(conv: dict[str, Any], analyzer: SentimentAnalyzer) -> list[Trajectory]:
    """The conversation's trajectory after each customer message, as the policy sees it live."""
    readings = read_conversation(conv, analyzer)
    turns = conv["turns"]
    so_far: list[SentimentReading] = []
    out: list[Trajectory] = []
    streak = 0
    for index, reading in enumerate(readings):
        if reading is None:
            continue
        so_far.append(reading)
        grounded = answer_grounded(turns, index)
        streak = streak + 1 if grounded is False else 0
        summary = summarize(so_far, window=TREND_WINDOW, slope_threshold=SLOPE_THRESHOLD)
        out.append(Trajectory.of(reading, summary, ungrounded_streak=streak))
    return out


def read_set(path: Path, analyzer: SentimentAnalyzer) -> tuple[list[Any], list[Any]]:
    """(fit, held_out) labelled trajectories; exits with 'FILE:LINE: what is wrong' on bad input."""
    fitting: list[LabelledTrajectories] = []
    held: list[LabelledTrajectories] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            validate_conversation(row)
            bad = _outcome(row)
        except (json.JSONDecodeError, InvalidTranscript, ValueError) as exc:
            raise SystemExit(f"tideline: {path}:{number}: {exc}") from None
        prefixes = trajectories(row, analyzer)
        if not prefixes:
            continue  # no customer message: nothing to weigh
        item = LabelledTrajectories(prefixes, bad, str(row.get("domain", "")))
        (held if row.get("split") == "held_out" else fitting).append(item)
    return fitting, held


def _outcome(row: dict[str, Any]) -> bool:
    if row.get("outcome") in ("good", "bad"):
        return bool(row["outcome"] == "bad")
    if isinstance(row.get("should_escalate"), bool):
        return bool(row["should_escalate"])
    raise ValueError("outcome: expected 'good' or 'bad' (or should_escalate: true/false)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m agent.risk.refit", description=__doc__)
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--base-rate", type=float, default=0.15)
    parser.add_argument("--sentiment-model", type=Path, default=None)
    parser.add_argument(
        "--no-vectors", action="store_true", help="read without the MiniLM vector (plain heads)"
    )
    args = parser.parse_args(argv)
    if not 0.0 < args.base_rate < 1.0:
        parser.error("--base-rate must be between 0 and 1")
    encoder = None if args.no_vectors else QueryVectors(default_embedder())
    analyzer = OfflineAnalyzer.load(args.sentiment_model, encoder=encoder)
    fitting, held = read_set(args.input, analyzer)
    l2, cv = choose_l2(fitting, base_rate=args.base_rate)
    model = fit(fitting, l2=l2, base_rate=args.base_rate)
    info: dict[str, Any] = {
        "fitted": date.today().isoformat(),
        "data": args.input.name,
        "analyzer": analyzer.name,
        "vectors": encoder.name if encoder else None,
        "conversations": len(fitting),
        "prefixes": sum(len(c.prefixes) for c in fitting),
        "base_rate": args.base_rate,
        "l2": l2,
        "cv_auroc_by_l2": {str(k): round(v, 4) for k, v in cv.items()},
        "fit_auroc_max_risk": round(ranking(model, fitting), 4),
    }
    if held:
        info["held_out_conversations"] = len(held)
        info["held_out_auroc_max_risk"] = round(ranking(model, held), 4)
        info["held_out_mean_max_risk"] = {
            outcome: round(sum(r) / max(1, len(r)), 4)
            for outcome, r in (
                ("bad", [m for m, c in zip(max_risks(model, held), held, strict=True) if c.bad]),
                (
                    "good",
                    [m for m, c in zip(max_risks(model, held), held, strict=True) if not c.bad],
                ),
            )
        }
    model = type(model)(model.bias, model.weights, info)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    print(json.dumps(info, indent=1), file=sys.stderr)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
