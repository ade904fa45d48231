"""Fits the risk model: a weighted, L2-regularised logistic regression over conversation prefixes.

Every prefix of a labelled conversation (its first customer message, its first two, ...) is one
example labelled with how the whole conversation ended, so the model estimates P(ends badly |
trajectory so far) at every turn. A conversation's prefixes share one unit of weight (a long
conversation does not count more), and the classes are weighted so that ``base_rate`` of the
weight ends badly: the probabilities then speak for traffic with that share of bad endings, not for
the mix of the labelled set. Weights keep the sign each feature's direction allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from agent.risk.features import FEATURES, Trajectory, measure
from agent.risk.model import RiskModel

# Every sign of trouble raises the risk at least this much per unit (log-odds): docs/policy.md
# promises a risk that rises with each of them, even where the labelled set is silent about one.
TROUBLE_FLOOR = 0.05


@dataclass(frozen=True)
class LabelledTrajectories:
    """One conversation's trajectory after each customer message, and how it ended."""

    prefixes: list[Trajectory]
    bad: bool
    group: str = ""  # e.g. the domain, for cross-validation by group


def design(
    conversations: Sequence[LabelledTrajectories], base_rate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix, labels and example weights over every prefix."""
    n_bad = sum(c.bad for c in conversations)
    n_good = len(conversations) - n_bad
    if not n_bad or not n_good:
        raise ValueError("the labelled set needs conversations that ended well and badly")
    rows, labels, weights = [], [], []
    for conv in conversations:
        share = base_rate / n_bad if conv.bad else (1 - base_rate) / n_good
        for prefix in conv.prefixes:
            rows.append(measure(prefix))
            labels.append(1.0 if conv.bad else 0.0)
            weights.append(share * len(conversations) / len(conv.prefixes))
    return np.array(rows), np.array(labels), np.array(weights)


def _bounds() -> list[tuple[float | None, float | None]]:
    limits: dict[str, tuple[float | None, float | None]] = {
        "trouble": (TROUBLE_FLOOR, None),
        "relief": (None, 0.0),
        "either": (None, None),
    }
    return [(None, None)] + [limits[f.direction] for f in FEATURES]


def fit(
    conversations: Sequence[LabelledTrajectories],
    *,
    l2: float = 0.1,
    base_rate: float = 0.15,
    info: dict[str, object] | None = None,
) -> RiskModel:
    """The fitted model; ``l2`` penalises the squared feature weights (not the bias)."""
    x, y, w = design(conversations, base_rate)
    total = w.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] + x @ theta[1:]
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(w * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) / total
        value += 0.5 * l2 * float(theta[1:] @ theta[1:])
        residual = w * (p - y) / total
        grad = np.concatenate([[residual.sum()], x.T @ residual + l2 * theta[1:]])
        return float(value), grad

    start = np.array([0.0] + [TROUBLE_FLOOR if f.direction == "trouble" else 0.0 for f in FEATURES])
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=_bounds())
    theta = result.x
    return RiskModel(float(theta[0]), tuple(float(v) for v in theta[1:]), dict(info or {}))


def max_risks(model: RiskModel, conversations: Sequence[LabelledTrajectories]) -> list[float]:
    """The highest risk each conversation reached (what replay reports as max_risk)."""
    return [max(model.assess(p).risk for p in c.prefixes) for c in conversations]


def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / max(1, len(positives) * len(negatives))


def ranking(model: RiskModel, conversations: Sequence[LabelledTrajectories]) -> float:
    """AUROC of max_risk: bad endings against good ones."""
    risks = max_risks(model, conversations)
    bad = [r for r, c in zip(risks, conversations, strict=True) if c.bad]
    good = [r for r, c in zip(risks, conversations, strict=True) if not c.bad]
    return auroc(bad, good)


def choose_l2(
    conversations: Sequence[LabelledTrajectories],
    grid: Sequence[float] = (0.001, 0.003, 0.01, 0.03, 0.1),
    *,
    base_rate: float = 0.15,
) -> tuple[float, dict[float, float]]:
    """The L2 strength with the best mean AUROC when each group is left out in turn."""
    groups = sorted({c.group for c in conversations})
    scores: dict[float, float] = {}
    for l2 in grid:
        folds = []
        for group in groups:
            train = [c for c in conversations if c.group != group]
            test = [c for c in conversations if c.group == group]
            folds.append(ranking(fit(train, l2=l2, base_rate=base_rate), test))
        scores[l2] = float(np.mean(folds))
    best = max(grid, key=lambda value: (round(scores[value], 3), value))
    return best, scores
