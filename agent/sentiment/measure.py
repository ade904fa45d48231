"""Measures the offline analyzer beside VADER: macro-recall, frustration calibration, cues.

Run ``python -m agent.sentiment.measure --shared-data ../shared/data`` from the repository root.
The TweetEval sentiment file is scored on its held-out rows only (the shipped model trained on the
rest); the airline file is never trained on (its licence forbids it in shipped weights).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.train import OWN_DATA_PATH, Example, is_heldout, macro_recall, read_labelled

TWEET_HELDOUT = 0.3  # must match build_shipped_model's split


@dataclass(frozen=True)
class Figure:
    dataset: str
    rows: int
    offline: float
    vader: float | None


def vader_labeller() -> Callable[[str], str] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # VADER is a dev dependency: the figure is left out without it
        return None
    vader = SentimentIntensityAnalyzer()

    def label(text: str) -> str:
        compound = vader.polarity_scores(text)["compound"]
        return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"

    return label


def score_rows(name: str, rows: Sequence[Example], analyzer: OfflineAnalyzer) -> Figure:
    gold = [e.label for e in rows]
    offline, _ = macro_recall(
        gold, [r.label for r in analyzer.analyze_batch([e.text for e in rows])]
    )
    vader = vader_labeller()
    vader_score = macro_recall(gold, [vader(e.text) for e in rows])[0] if vader else None
    return Figure(dataset=name, rows=len(rows), offline=offline, vader=vader_score)


def frustration_calibration(analyzer: OfflineAnalyzer, path: Path, split: str) -> dict[str, object]:
    """Frustration by hand-labelled level; how often it crosses 0.75 and 0.9."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r["split"] == split]
    readings = analyzer.analyze_batch([r["text"] for r in rows])
    out: dict[str, object] = {}
    for level in ("none", "low", "high"):
        values = sorted(
            rd.frustration
            for r, rd in zip(rows, readings, strict=True)
            if r["frustration"] == level
        )
        if values:
            out[level] = {
                "rows": len(values),
                "median": round(values[len(values) // 2], 3),
                "share_ge_0.75": round(sum(v >= 0.75 for v in values) / len(values), 3),
                "share_ge_0.9": round(sum(v >= 0.9 for v in values) / len(values), 3),
            }
    # Cue agreement with the hand-written signals of the same rows.
    cues: dict[str, dict[str, int]] = {}
    for r, rd in zip(rows, readings, strict=True):
        for name in set(r["signals"]) | set(rd.signals):
            tally = cues.setdefault(name, {"both": 0, "hand_only": 0, "cue_only": 0})
            key = (
                "both"
                if name in r["signals"] and name in rd.signals
                else ("hand_only" if name in r["signals"] else "cue_only")
            )
            tally[key] += 1
    out["cues"] = cues
    return out


def measure(shared_data: Path | None, analyzer: OfflineAnalyzer) -> dict[str, object]:
    figures = [
        score_rows(
            "own support set, test split", read_labelled(OWN_DATA_PATH, split="test"), analyzer
        )
    ]
    if shared_data is not None:
        tweets = read_labelled(shared_data / "tweeteval_sentiment_val.jsonl")
        figures.append(
            score_rows(
                "tweeteval_sentiment_val, held-out 30 %",
                [e for e in tweets if is_heldout(e.text, TWEET_HELDOUT)],
                analyzer,
            )
        )
        figures.append(
            score_rows(
                "airline_tweets_dev (never trained on)",
                read_labelled(shared_data / "airline_tweets_dev.jsonl"),
                analyzer,
            )
        )
    texts = [e.text for e in read_labelled(OWN_DATA_PATH)] * 25
    started = time.perf_counter()
    analyzer.analyze_batch(texts)
    rate = len(texts) / (time.perf_counter() - started)
    return {
        "macro_recall": [f.__dict__ for f in figures],
        "frustration_own_test": frustration_calibration(analyzer, OWN_DATA_PATH, "test"),
        "frustration_own_train": frustration_calibration(analyzer, OWN_DATA_PATH, "train"),
        "messages_per_second": round(rate),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Measure the offline sentiment analyzer beside VADER."
    )
    parser.add_argument(
        "--shared-data", type=Path, default=None, help="folder of the public data files"
    )
    parser.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    args = parser.parse_args(argv)
    result = measure(args.shared_data, OfflineAnalyzer.load(args.model))
    print(json.dumps(result, indent=2))  # noqa: T201 -- a maintainer's command line
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
