"""Labelled messages for training and measuring the reader: reading, splitting, scoring.

Rows are split into train and held-out parts by a hash of their text, so the split is the same on
every run and a duplicate message never lands on both sides.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agent.sentiment.model import SENTIMENT_CLASSES

OWN_DATA_PATH = Path(__file__).resolve().parents[3] / "evals" / "data" / "support_sentiment.jsonl"
# GoEmotions (Apache-2.0) emotions read as the frustration the anger head learns: a customer's
# annoyance and disgust weigh like anger; disappointment and disapproval stay merely negative.
ANGER_EMOTIONS = frozenset({"anger", "annoyance", "disgust"})
# GoEmotions groups surprise, confusion, curiosity and realization as "ambiguous": in support they
# are questions, which read as neutral. Rows whose emotions span several groups are left out.
GOEMOTIONS_SENTIMENT = {
    "positive": "positive",
    "negative": "negative",
    "neutral": "neutral",
    "ambiguous": "neutral",
}


class LabelledDataError(ValueError):
    """A labelled file cannot be used: the message names the file and line."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    weight: float = 1.0
    angry: bool = False  # the emotion head's target


def _rows(path: Path) -> list[tuple[int, dict[str, object]]]:
    if not path.is_file():
        raise LabelledDataError(f"{path}: no such file")
    rows: list[tuple[int, dict[str, object]]] = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise LabelledDataError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise LabelledDataError(f"{path}:{number}: expected an object with a string 'text'")
            rows.append((number, row))
    return rows


def read_labelled(
    path: Path, *, classes: Sequence[str] = SENTIMENT_CLASSES, split: str | None = None
) -> list[Example]:
    """``{text, label}`` lines; with ``split``, only rows whose ``split`` field equals it.

    A ``frustration: high`` field (the project's own set) marks the row for the anger head.
    """
    examples: list[Example] = []
    for number, row in _rows(path):
        label = row.get("label")
        if label not in classes:
            raise LabelledDataError(
                f"{path}:{number}: label {label!r} is not one of {', '.join(classes)}"
            )
        if split is None or row.get("split") == split:
            text = str(row["text"])
            examples.append(Example(text, str(label), angry=row.get("frustration") == "high"))
    return examples


def read_goemotions(path: Path, *, split: str) -> list[Example]:
    """GoEmotions rows of one split as sentiment examples (mixed-emotion rows left out)."""
    examples: list[Example] = []
    for _, row in _rows(path):
        label = GOEMOTIONS_SENTIMENT.get(str(row.get("label")))
        if row.get("split") != split or label is None:
            continue
        emotions = row.get("emotions")
        angry = isinstance(emotions, list) and bool(ANGER_EMOTIONS.intersection(emotions))
        examples.append(Example(str(row["text"]), label, angry=angry))
    return examples


def is_heldout(text: str, fraction: float) -> bool:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % 1000 < fraction * 1000


def fold_of(text: str, folds: int) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % folds


def macro_recall(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, dict[str, float]]:
    """Mean of per-class recall over the classes present in ``gold``."""
    per_class: dict[str, float] = {}
    for cls in SENTIMENT_CLASSES:
        rows = [p for g, p in zip(gold, predicted, strict=True) if g == cls]
        if rows:
            per_class[cls] = sum(p == cls for p in rows) / len(rows)
    return (sum(per_class.values()) / len(per_class) if per_class else 0.0), per_class
