"""Fitting the satisfaction model to rated conversations, and measuring it on held-out ratings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.quality.arc import ConversationArc
from agent.quality.model import FEATURE_NAMES, SatisfactionModel, feature_values

RIDGE = 1.0  # shrinks the weights: a team's first few dozen ratings must not overfit
HELD_OUT_EVERY = 4  # one rated conversation in four is kept out of the fit and measured
MIN_RATED = 12


class TooFewRatings(ValueError):
    """Not enough rated conversations to fit and measure a model."""


@dataclass(frozen=True)
class Rated:
    """One rated conversation: its arc and the customer's rating (1-5)."""

    conversation_id: str
    arc: ConversationArc
    rating: int


@dataclass(frozen=True)
class HeldOutScores:
    """How well the model predicts ratings it was not fitted on, against always predicting the mean."""

    rated: int
    held_out: int
    mae: float
    within_one: float
    baseline_mae: float
    baseline_within_one: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "rated": self.rated,
            "held_out": self.held_out,
            "mae": self.mae,
            "within_one": self.within_one,
            "baseline_mae": self.baseline_mae,
            "baseline_within_one": self.baseline_within_one,
        }


def fit_model(rated: Sequence[Rated], *, info: dict[str, Any] | None = None) -> SatisfactionModel:
    """Ridge regression of the rating on the arc features (the bias is not shrunk)."""
    x = np.array([feature_values(r.arc) for r in rated], dtype=float)
    y = np.array([r.rating for r in rated], dtype=float)
    design = np.hstack([np.ones((len(rated), 1)), x])
    penalty = RIDGE * np.eye(design.shape[1])
    penalty[0, 0] = 0.0
    coef = np.linalg.solve(design.T @ design + penalty, design.T @ y)
    residual = y - np.clip(design @ coef, 1.0, 5.0)
    sd = float(np.sqrt(np.mean(residual**2))) if len(rated) else 1.0
    return SatisfactionModel(float(coef[0]), tuple(float(c) for c in coef[1:]), sd, info or {})


def split(rated: Sequence[Rated]) -> tuple[list[Rated], list[Rated]]:
    """A fixed split (every fourth conversation, ordered by id) so a rerun measures the same."""
    ordered = sorted(rated, key=lambda r: r.conversation_id)
    train = [r for i, r in enumerate(ordered) if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    test = [r for i, r in enumerate(ordered) if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    return train, test


def train_and_measure(
    rated: Sequence[Rated], *, info: dict[str, Any] | None = None
) -> tuple[SatisfactionModel, HeldOutScores]:
    """Measure a model fitted without the held-out quarter, then fit the one to ship on all.

    The shipped model's residual spread is the held-out one, so its confidence is not flattered
    by the ratings it has seen.
    """
    if len(rated) < MIN_RATED:
        raise TooFewRatings(
            f"{len(rated)} rated conversations; at least {MIN_RATED} are needed to fit and measure"
        )
    train, test = split(rated)
    trial = fit_model(train)
    mean = sum(r.rating for r in train) / len(train)
    errors = [abs(trial.predict(r.arc).satisfaction - r.rating) for r in test]
    base = [abs(mean - r.rating) for r in test]
    scores = HeldOutScores(
        rated=len(rated),
        held_out=len(test),
        mae=round(sum(errors) / len(test), 3),
        within_one=round(sum(e <= 1.0 for e in errors) / len(test), 3),
        baseline_mae=round(sum(base) / len(test), 3),
        baseline_within_one=round(sum(e <= 1.0 for e in base) / len(test), 3),
    )
    held_out_sd = float(np.sqrt(np.mean(np.square(errors))))
    full = fit_model(rated, info={**(info or {}), "held_out": scores.to_dict()})
    model = SatisfactionModel(
        full.bias, full.weights, max(held_out_sd, full.residual_sd), full.info
    )
    return model, scores


__all__ = ["FEATURE_NAMES", "HeldOutScores", "Rated", "TooFewRatings", "fit_model"]
