"""Measures the sentiment reader beside the previous model and VADER on four labelled sets.

Macro-recall (mean of per-class recall) and negative recall, on: the project's own support
messages (test splits), TweetEval sentiment (the held-out 30 % the previous model never trained
on), the airline support tweets, and the GoEmotions test split (mixed-emotion rows left out).
"""

from __future__ import annotations

import json
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
        sets["airline support tweets (dev)"] = read_labelled(
            shared_data / "airline_tweets_dev.jsonl"
        )
        sets["GoEmotions test split"] = read_goemotions(
            shared_data / "goemotions.jsonl", split="test"
        )
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
