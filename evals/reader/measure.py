"""Measures the sentiment reader beside the previous model and VADER on four labelled sets.

Macro-recall (mean of per-class recall) and negative recall, on: the project's own support
messages (test splits), TweetEval sentiment (the held-out 30 % the previous model never trained
on), the airline support tweets, and the GoEmotions test split (mixed-emotion rows left out).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.training.data import (
    OWN_DATA_PATH,
    Example,
    is_heldout,
    macro_recall,
    read_goemotions,
    read_labelled,
)
from agent.sentiment.training.shipped import DOMAINS_DATA_PATH

TWEET_HELDOUT = 0.3  # the previous model trained on the other 70 % of this file
# Embedding every row of the larger sets takes an hour on two busy cores: a fixed share of each,
# picked by a hash of the text, is measured instead (the same rows for every reader).
GOEMOTIONS_TEST_SHARE = 0.4


def airline_subset(text: str) -> bool:
    """A third of the airline tweets (also the adaptation demo's team file, ``__main__.py``)."""
    return zlib.crc32(("team:" + text).encode("utf-8", "surrogatepass")) % 100 < 33


Labeller = Callable[[Sequence[str]], list[str]]


@dataclass(frozen=True)
class Figure:
    dataset: str
    reader: str
    rows: int
    macro_recall: float
    negative_recall: float


def vader_labeller() -> Labeller | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # the figure is left out without VADER
        return None
    vader = SentimentIntensityAnalyzer()

    def label(texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            compound = vader.polarity_scores(text)["compound"]
            out.append(
                "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
            )
        return out

    return label


def analyzer_labeller(analyzer: OfflineAnalyzer) -> Labeller:
    def label(texts: Sequence[str]) -> list[str]:
        return [r.label for r in analyzer.analyze_batch(texts)]

    return label


def datasets(shared_data: Path | None) -> dict[str, list[Example]]:
    sets = {
        "own support test split": read_labelled(OWN_DATA_PATH, split="test")
        + read_labelled(DOMAINS_DATA_PATH, split="test"),
    }
    if shared_data is not None:
        tweets = read_labelled(shared_data / "tweeteval_sentiment_val.jsonl")
        sets["TweetEval validation, held-out 30 %"] = [
            e for e in tweets if is_heldout(e.text, TWEET_HELDOUT)
        ]
        airline = read_labelled(shared_data / "airline_tweets_dev.jsonl")
        sets["airline support tweets (dev), a third by hash"] = [
            e for e in airline if airline_subset(e.text)
        ]
        goemotions = read_goemotions(shared_data / "goemotions.jsonl", split="test")
        sets["GoEmotions test split, 40 % by hash"] = [
            e for e in goemotions if is_heldout(e.text, GOEMOTIONS_TEST_SHARE)
        ]
    return sets


def measure(sets: dict[str, list[Example]], readers: dict[str, Labeller]) -> list[Figure]:
    figures = []
    for dataset, rows in sets.items():
        gold = [e.label for e in rows]
        for reader, label in readers.items():
            score, per_class = macro_recall(gold, label([e.text for e in rows]))
            figures.append(
                Figure(dataset, reader, len(rows), round(score, 3), round(per_class["negative"], 3))
            )
    return figures


def table(figures: Sequence[Figure]) -> str:
    readers = list(dict.fromkeys(f.reader for f in figures))
    head = "| data set | rows | " + " | ".join(readers) + " |"
    lines = [head, "|---|---|" + "---|" * len(readers)]
    for dataset in dict.fromkeys(f.dataset for f in figures):
        cells = {f.reader: f for f in figures if f.dataset == dataset}
        rows = next(iter(cells.values())).rows
        values = " | ".join(
            f"{cells[r].macro_recall:.3f} (neg {cells[r].negative_recall:.3f})" for r in readers
        )
        lines.append(f"| {dataset} | {rows:,} | {values} |")
    return "\n".join(lines)


def as_json(figures: Sequence[Figure]) -> str:
    return json.dumps([f.__dict__ for f in figures], indent=2)


def frustration_table(analyzer: OfflineAnalyzer) -> str:
    """Frustration by hand-labelled level on the own test splits (the policy acts at 0.75, 0.9)."""
    rows = []
    for path in (OWN_DATA_PATH, DOMAINS_DATA_PATH):
        lines = path.read_text(encoding="utf-8").splitlines()
        rows += [r for r in map(json.loads, lines) if r["split"] == "test"]
    readings = analyzer.analyze_batch([r["text"] for r in rows])
    out = ["| hand label | rows | median | share ≥ 0.75 | share ≥ 0.9 |", "|---|---|---|---|---|"]
    for level in ("none", "low", "high"):
        values = sorted(
            rd.frustration
            for r, rd in zip(rows, readings, strict=True)
            if r["frustration"] == level
        )
        if values:
            high = sum(v >= 0.75 for v in values) / len(values)
            critical = sum(v >= 0.9 for v in values) / len(values)
            out.append(
                f"| {level} | {len(values)} | {values[len(values) // 2]:.2f} | {high:.0%} "
                f"| {critical:.0%} |"
            )
    return "\n".join(out)


def calm_traffic(analyzer: OfflineAnalyzer, path: Path) -> str:
    """How much ordinary traffic reads as alarming: frustration ≥ 0.75 or score ≤ -0.6."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    readings = [analyzer.analyze(r["text"], r.get("context")) for r in rows]
    high = sum(r.frustration >= 0.75 for r in readings)
    low = sum(r.score <= -0.6 for r in readings)
    return (
        f"{path.name}: {len(rows)} rows, frustration ≥ 0.75: {high} ({high / len(rows):.1%}), "
        f"score ≤ -0.6: {low} ({low / len(rows):.1%})"
    )
