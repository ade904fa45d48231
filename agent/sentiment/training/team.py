"""``tideline sentiment train``: adapt the shipped reader to a support team's own labelled messages.

The team's rows are split by a hash of their text (20 % held out, the same rows on every run). The
shipped heads are refitted to the training part with a pull towards their shipped weights whose
strength is chosen by cross-validation on that part, so a few hundred messages move the reader
where the team's language differs without forgetting the rest. The held-out part is read by the
shipped reader and the adapted one, and both figures are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from agent.message_vectors import MessageEncoder
from agent.sentiment.model import SENTIMENT_CLASSES, LinearHead, SentimentModel
from agent.sentiment.training.data import (
    OWN_DATA_PATH,
    Example,
    LabelledDataError,
    fold_of,
    is_heldout,
    macro_recall,
    read_labelled,
)
from agent.sentiment.training.fit import adapt_head, design_matrix

# Candidate pulls towards the shipped weights (per unit of total sample weight): strong keeps the
# shipped reader, weak lets the team's messages decide.
STRENGTHS = (0.1, 0.03, 0.01, 0.003, 0.001, 0.0003)
CV_FOLDS = 3
# The project's own support messages, when added, count this much against a team's message.
DEFAULT_DATA_WEIGHT = 0.5


@dataclass
class TrainingReport:
    """What a training run fitted and how it read the held-out rows, before and after."""

    train_rows: int
    heldout_rows: int
    strength: float | None = None
    before: float | None = None
    after: float | None = None
    per_class_after: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"trained on {self.train_rows} rows, held out {self.heldout_rows}"]
        if self.strength is not None:
            out.append(
                f"pull towards the shipped reader chosen by cross-validation: {self.strength:g}"
            )
        if self.after is not None:
            per_class = ", ".join(f"{k} {v:.3f}" for k, v in self.per_class_after.items())
            out.append(f"held-out macro-recall {self.after:.3f} ({per_class})")
        if self.before is not None:
            out.append(f"the shipped reader on the same held-out rows: {self.before:.3f}")
        return out


def _vectors(encoder: MessageEncoder | None, texts: Sequence[str]) -> np.ndarray | None:
    return None if encoder is None else encoder.encode(list(texts))


def _predict(head: LinearHead, matrix: object, vector_scale: float) -> list[str]:
    from scipy.sparse import csr_matrix

    weights = [head.weights] + (
        [head.vector_weights / vector_scale] if head.vector_weights is not None else []
    )
    logits = csr_matrix(matrix) @ np.hstack(weights).T + head.bias
    return [SENTIMENT_CLASSES[i] for i in np.argmax(logits, axis=1)]


def choose_strength(
    head: LinearHead, matrix: object, examples: Sequence[Example], *, scale: float
) -> float:
    """The pull with the best mean macro-recall over folds of ``examples`` (by text hash)."""
    from scipy.sparse import csr_matrix

    rows = csr_matrix(matrix)
    folds = np.asarray([fold_of(e.text, CV_FOLDS) for e in examples])
    best = (-1.0, STRENGTHS[0])
    for strength in STRENGTHS:
        recalls = []
        for fold in range(CV_FOLDS):
            train = [int(i) for i in np.flatnonzero(folds != fold)]
            test = [int(i) for i in np.flatnonzero(folds == fold)]
            if not len(test) or len({examples[i].label for i in train}) < 2:
                continue
            fitted = adapt_head(
                head, rows[train], [examples[i] for i in train], strength=strength, scale=scale
            )
            gold = [examples[i].label for i in test]
            recalls.append(macro_recall(gold, _predict(fitted, rows[test], scale))[0])
        score = float(np.mean(recalls)) if recalls else -1.0
        if score > best[0]:
            best = (score, strength)
    return best[1]


def adapt_model(
    base: SentimentModel,
    train: Sequence[Example],
    *,
    encoder: MessageEncoder | None,
    team_rows: int,
) -> tuple[SentimentModel, float]:
    """The shipped model with its sentiment heads adapted to ``train``; the pull that was chosen.

    The pull is chosen on the joint head when the encoder is given (the head a live turn uses)
    and used for both; only the team's own rows (the first ``team_rows``) are cross-validated.
    """
    texts = [e.text for e in train]
    scale = float(str(base.metadata.get("vector_scale", 1.0)))
    joint = base.joint_sentiment if encoder is not None else None
    vectors = _vectors(encoder, texts) if joint is not None else None
    plain_matrix = design_matrix(texts)
    head, matrix = (
        (joint, design_matrix(texts, vectors, scale))
        if joint is not None
        else (base.sentiment, plain_matrix)
    )
    assert head is not None
    from scipy.sparse import csr_matrix

    strength = choose_strength(head, csr_matrix(matrix)[:team_rows], train[:team_rows], scale=scale)
    changes: dict[str, object] = {
        "sentiment": adapt_head(base.sentiment, plain_matrix, train, strength=strength)
    }
    if joint is not None:
        changes["joint_sentiment"] = adapt_head(
            joint, matrix, train, strength=strength, scale=scale
        )
    return replace(base, **changes), strength  # type: ignore[arg-type]


def read_heldout(
    model: SentimentModel, encoder: MessageEncoder | None, rows: Sequence[Example]
) -> tuple[float, dict[str, float]]:
    from agent.sentiment.offline import OfflineAnalyzer

    readings = OfflineAnalyzer(model, encoder).analyze_batch([e.text for e in rows])
    return macro_recall([e.label for e in rows], [r.label for r in readings])


def train_from_file(
    input_path: Path,
    output_path: Path,
    *,
    base_model: SentimentModel,
    encoder: MessageEncoder | None = None,
    include_default_data: bool = False,
    heldout_fraction: float = 0.2,
) -> TrainingReport:
    """The one command a support team runs: adapt to their ``{text, label}`` file, save, report."""
    rows = read_labelled(input_path)
    if not rows:
        raise LabelledDataError(f"{input_path}: no labelled rows")
    train = [e for e in rows if not is_heldout(e.text, heldout_fraction)]
    heldout = [e for e in rows if is_heldout(e.text, heldout_fraction)]
    if len({e.label for e in train}) < 2:
        raise LabelledDataError(f"{input_path}: training needs at least two different labels")
    team_rows = len(train)
    if include_default_data:
        own = read_labelled(OWN_DATA_PATH, split="train")
        train += [replace(e, weight=DEFAULT_DATA_WEIGHT) for e in own]
    model, strength = adapt_model(base_model, train, encoder=encoder, team_rows=team_rows)
    metadata = dict(base_model.metadata)
    metadata["adapted_to"] = {
        "file": input_path.name,
        "rows": team_rows,
        "with_default_data": include_default_data,
        "strength": strength,
        "heldout_fraction": heldout_fraction,
    }
    model = replace(model, metadata=metadata)
    report = TrainingReport(train_rows=team_rows, heldout_rows=len(heldout), strength=strength)
    if heldout:
        report.before = read_heldout(base_model, encoder, heldout)[0]
        report.after, report.per_class_after = read_heldout(model, encoder, heldout)
    model.save(output_path)
    return report
