"""Fits the offline model to a support team's own labelled tickets, or to the shipped model's data.

Training needs scikit-learn (a dev dependency); inference does not. Rows are split into train and
held-out parts by a hash of their text, so the split is the same on every run and a duplicate
message never lands on both sides.

The shipped model is rebuilt with ``python -m agent.sentiment.train --shared-data DIR --output
agent/sentiment/model/sentiment.npz`` where DIR holds the TweetEval files (see MODEL_CARD.md).
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from agent.sentiment.cues import detect
from agent.sentiment.features import HASH_SIZE, N_FEATURES, featurize, hashed_weight
from agent.sentiment.model import SENTIMENT_CLASSES, LinearHead, SentimentModel
from knowledge.jsonl import numbered_objects

OWN_DATA_PATH = Path(__file__).resolve().parents[2] / "evals" / "data" / "support_sentiment.jsonl"
EMOTION_CLASSES = ("anger", "joy", "optimism", "sadness")
# The project's own support messages are few but in the register the model serves; they count
# more than tweets when both are in the training set.
OWN_DATA_WEIGHT = 4.0
# Candidates for the shipped sentiment head, chosen by cross-validation on its training rows:
# the inverse regularisation strength, and the weight of the polarity rows borrowed from the
# emotion tweets (they have no neutral class, so at full weight they pull neutral text to a pole).
C_CANDIDATES = (1.0, 4.0, 16.0)
POLAR_WEIGHT_CANDIDATES = (0.3, 1.0)
CV_FOLDS = 3


class LabelledDataError(ValueError):
    """A labelled file cannot be used: the message names the file and line."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    weight: float = 1.0


@dataclass
class TrainingReport:
    """What a training run fitted and how it scored on rows it did not see."""

    train_rows: int
    heldout_rows: int
    macro_recall: float | None
    per_class_recall: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"trained on {self.train_rows} rows, held out {self.heldout_rows}"]
        if self.macro_recall is not None:
            per_class = ", ".join(f"{k} {v:.3f}" for k, v in self.per_class_recall.items())
            out.append(f"held-out macro-recall {self.macro_recall:.3f} ({per_class})")
        return out


def read_labelled(
    path: Path, *, classes: Sequence[str] = SENTIMENT_CLASSES, split: str | None = None
) -> list[Example]:
    """``{text, label}`` lines; with ``split``, only rows whose ``split`` field equals it."""
    if not path.is_file():
        raise LabelledDataError(f"{path}: no such file")
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for line in numbered_objects(handle):
            number, row = line.number, line.value
            if row is None or not isinstance(row.get("text"), str):
                raise LabelledDataError(f"{path}:{number}: expected an object with a string 'text'")
            label = row.get("label")
            if label not in classes:
                raise LabelledDataError(
                    f"{path}:{number}: label {label!r} is not one of {', '.join(classes)}"
                )
            if split is None or row.get("split") == split:
                examples.append(Example(text=row["text"], label=str(label)))
    return examples


def is_heldout(text: str, fraction: float) -> bool:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % 1000 < fraction * 1000


def design_matrix(texts: Iterable[str]) -> object:
    """The sparse (rows x N_FEATURES) matrix the heads are fitted on, via the inference code."""
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for text in texts:
        features = featurize(text, detect(text))
        scale = hashed_weight(len(features.buckets))
        indices.extend(features.buckets)
        values.extend([scale] * len(features.buckets))
        for offset, value in enumerate(features.dense):
            if value:
                indices.append(HASH_SIZE + offset)
                values.append(value)
        indptr.append(len(indices))
    return csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
        shape=(len(indptr) - 1, N_FEATURES),
    )


def _fit(matrix: Any, examples: Sequence[Example], classes: Sequence[str], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    targets = np.asarray([classes.index(e.label) for e in examples])
    weights = np.asarray([e.weight for e in examples], dtype=np.float64)
    fitted = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    fitted.fit(matrix, targets, sample_weight=weights)
    return fitted


def fit_head(examples: Sequence[Example], classes: Sequence[str], *, c: float = 4.0) -> LinearHead:
    present = {e.label for e in examples}
    if len(present) < 2:
        raise LabelledDataError("training needs at least two different labels")
    fitted = _fit(design_matrix(e.text for e in examples), examples, classes, c)
    full_w = np.zeros((len(classes), N_FEATURES), dtype=np.float32)
    full_b = np.full(len(classes), -20.0, dtype=np.float32)  # a class absent from the data
    coef = fitted.coef_ if len(fitted.classes_) > 2 else np.vstack([-fitted.coef_, fitted.coef_])
    bias = (
        fitted.intercept_
        if len(fitted.classes_) > 2
        else np.asarray([-fitted.intercept_[0], fitted.intercept_[0]])
    )
    for row, cls in enumerate(fitted.classes_):
        full_w[cls] = coef[row]
        full_b[cls] = bias[row]
    return LinearHead(classes=tuple(classes), weights=full_w, bias=full_b)


def macro_recall(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, dict[str, float]]:
    """Mean of per-class recall over the classes present in ``gold``."""
    per_class: dict[str, float] = {}
    for cls in SENTIMENT_CLASSES:
        rows = [p for g, p in zip(gold, predicted, strict=True) if g == cls]
        if rows:
            per_class[cls] = sum(p == cls for p in rows) / len(rows)
    return (sum(per_class.values()) / len(per_class) if per_class else 0.0), per_class


def cross_validate(
    labelled: Sequence[Example],
    auxiliary: Sequence[Example],
    *,
    c_values: Sequence[float] = C_CANDIDATES,
    aux_weights: Sequence[float] = POLAR_WEIGHT_CANDIDATES,
    folds: int = CV_FOLDS,
) -> tuple[float, float, dict[str, float]]:
    """The ``(c, auxiliary weight)`` with the best mean macro-recall over folds of ``labelled``.

    Folds are drawn by a hash of the text; ``auxiliary`` rows only ever train (they lack a class).
    """
    from scipy.sparse import vstack

    labelled_matrix: Any = design_matrix(e.text for e in labelled)
    aux_matrix: Any = design_matrix(e.text for e in auxiliary)
    fold_of = np.asarray(
        [zlib.crc32(e.text.encode("utf-8", "surrogatepass")) % folds for e in labelled]
    )
    scores: dict[str, float] = {}
    best: tuple[float, float, float] = (-1.0, c_values[0], aux_weights[0])
    for c in c_values:
        for aux_weight in aux_weights:
            aux = [replace(e, weight=e.weight * aux_weight) for e in auxiliary]
            recalls = []
            for fold in range(folds):
                train_idx = [int(i) for i in np.flatnonzero(fold_of != fold)]
                test_idx = [int(i) for i in np.flatnonzero(fold_of == fold)]
                fitted = _fit(
                    vstack([labelled_matrix[train_idx], aux_matrix]).tocsr(),
                    [labelled[i] for i in train_idx] + aux,
                    SENTIMENT_CLASSES,
                    c,
                )
                predicted = [
                    SENTIMENT_CLASSES[k] for k in fitted.predict(labelled_matrix[test_idx])
                ]
                recalls.append(macro_recall([labelled[i].label for i in test_idx], predicted)[0])
            score = float(np.mean(recalls))
            scores[f"C={c:g} polar_weight={aux_weight:g}"] = round(score, 4)
            if score > best[0]:
                best = (score, c, aux_weight)
    return best[1], best[2], scores


def train_sentiment(
    train: Sequence[Example],
    heldout: Sequence[Example],
    *,
    emotion: LinearHead | None,
    metadata: dict[str, object],
    c: float = 4.0,
) -> tuple[SentimentModel, TrainingReport]:
    from agent.sentiment.offline import OfflineAnalyzer

    head = fit_head(train, SENTIMENT_CLASSES, c=c)
    model = SentimentModel(sentiment=head, emotion=emotion, metadata=metadata)
    report = TrainingReport(train_rows=len(train), heldout_rows=len(heldout), macro_recall=None)
    if heldout:
        readings = OfflineAnalyzer(model).analyze_batch([e.text for e in heldout])
        score, per_class = macro_recall([e.label for e in heldout], [r.label for r in readings])
        report.macro_recall, report.per_class_recall = score, per_class
    return model, report


def train_from_file(
    input_path: Path,
    output_path: Path,
    *,
    include_default_data: bool = False,
    heldout_fraction: float = 0.2,
    base_model: SentimentModel | None = None,
) -> TrainingReport:
    """The one command a support team runs: fit to their ``{text, label}`` file, save, report."""
    rows = read_labelled(input_path)
    if not rows:
        raise LabelledDataError(f"{input_path}: no labelled rows")
    train = [e for e in rows if not is_heldout(e.text, heldout_fraction)]
    heldout = [e for e in rows if is_heldout(e.text, heldout_fraction)]
    if include_default_data:
        own = read_labelled(OWN_DATA_PATH, split="train")
        train += [Example(e.text, e.label, OWN_DATA_WEIGHT) for e in own]
    metadata: dict[str, object] = {
        "trained_on": [input_path.name]
        + (["tideline support_sentiment train"] * include_default_data),
        "heldout_fraction": heldout_fraction,
    }
    model, report = train_sentiment(
        train, heldout, emotion=base_model.emotion if base_model else None, metadata=metadata
    )
    model.save(output_path)
    return report


def build_shipped_model(shared_data: Path, output: Path, *, tweet_heldout: float = 0.3) -> str:
    """Fit the shipped weights: own train split, TweetEval sentiment (70 %), TweetEval emotion."""
    own = [
        Example(e.text, e.label, OWN_DATA_WEIGHT)
        for e in read_labelled(OWN_DATA_PATH, split="train")
    ]
    tweets = read_labelled(shared_data / "tweeteval_sentiment_val.jsonl")
    tweet_train = [e for e in tweets if not is_heldout(e.text, tweet_heldout)]
    emotions = read_labelled(
        shared_data / "tweeteval_emotion_train_val.jsonl", classes=EMOTION_CLASSES
    )
    emotion_head = fit_head(emotions, EMOTION_CLASSES, c=2.0)
    # The emotion tweets also teach polarity: anger and sadness are negative, joy and optimism not.
    polar = [
        Example(e.text, "negative" if e.label in ("anger", "sadness") else "positive")
        for e in emotions
    ]
    own_test = read_labelled(OWN_DATA_PATH, split="test")
    c, polar_weight, cv_scores = cross_validate(own + tweet_train, polar)
    polar = [replace(e, weight=polar_weight) for e in polar]
    metadata: dict[str, object] = {
        "trained_on": [
            "evals/data/support_sentiment.jsonl split=train",
            f"tweeteval_sentiment_val.jsonl, rows not held out "
            f"(crc32 % 1000 >= {tweet_heldout * 1000:.0f})",
            "tweeteval_emotion_train_val.jsonl (emotion head; and polarity: anger/sadness negative,"
            f" joy/optimism positive, weight {polar_weight:g})",
        ],
        "sentiment_head": {"C": c, "polar_weight": polar_weight, "cv_macro_recall": cv_scores},
    }
    model, report = train_sentiment(
        own + tweet_train + polar, own_test, emotion=emotion_head, metadata=metadata, c=c
    )
    model.save(output)
    cv = ", ".join(f"{k}: {v:.3f}" for k, v in cv_scores.items())
    chosen = f"chosen by {CV_FOLDS}-fold cross-validation: C={c:g}, polar weight {polar_weight:g}"
    return "\n".join([f"cross-validated macro-recall: {cv}", chosen, *report.lines()])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=build_shipped_model.__doc__)
    parser.add_argument(
        "--shared-data", type=Path, required=True, help="folder of the TweetEval files"
    )
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "model" / "sentiment.npz"
    )
    args = parser.parse_args(argv)
    summary = build_shipped_model(args.shared_data, args.output)
    print(summary)  # noqa: T201 -- this module doubles as a maintainer's command line
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
