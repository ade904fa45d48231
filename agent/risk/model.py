"""The fitted risk model: weights read from a small JSON file, a logistic, and the factors behind it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.risk.features import FEATURE_NAMES, FEATURES, Trajectory, measure

DEFAULT_MODEL_PATH = Path(__file__).parent / "model" / "risk_model.json"
FORMAT = 1
# A feature is named as a reason when it moved the log-odds by at least this much.
FACTOR_AT_LEAST = 0.25
TOP_FACTORS = 3


class RiskModelError(ValueError):
    """A risk model file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class RiskFactor:
    """One feature that moved the risk: its name, plain words, value and log-odds contribution."""

    feature: str
    words: str
    value: float
    contribution: float


@dataclass(frozen=True)
class RiskAssessment:
    """The conversation risk of one turn and the evidence that moved it most."""

    risk: float
    factors: tuple[RiskFactor, ...] = ()

    @property
    def because(self) -> str:
        """The top factors as one clause: 'a; b; c' (empty when nothing stood out)."""
        return "; ".join(f.words for f in self.factors)


@dataclass(frozen=True)
class RiskModel:
    """Weights of P(conversation ends badly | trajectory so far) over :data:`FEATURES`."""

    bias: float
    weights: tuple[float, ...]
    info: dict[str, Any]

    def assess(self, trajectory: Trajectory) -> RiskAssessment:
        values = measure(trajectory)
        parts = [w * x for w, x in zip(self.weights, values, strict=True)]
        z = self.bias + sum(parts)
        risk = 1.0 / (1.0 + math.exp(-z))
        ranked = sorted(
            (i for i, part in enumerate(parts) if part >= FACTOR_AT_LEAST),
            key=lambda i: -parts[i],
        )[:TOP_FACTORS]
        factors = tuple(
            RiskFactor(
                FEATURES[i].name,
                FEATURES[i].words(trajectory),
                round(values[i], 4),
                round(parts[i], 3),
            )
            for i in ranked
        )
        return RiskAssessment(round(risk, 4), factors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(FEATURE_NAMES),
            "bias": round(self.bias, 6),
            "weights": [round(w, 6) for w in self.weights],
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "risk model") -> RiskModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RiskModelError(f"{source}: not a risk model of format {FORMAT}")
        if data.get("features") != list(FEATURE_NAMES):
            raise RiskModelError(
                f"{source}: fitted on other features ({data.get('features')}); refit it with "
                "python -m agent.risk.refit"
            )
        weights = data.get("weights")
        if not isinstance(weights, list) or len(weights) != len(FEATURE_NAMES):
            raise RiskModelError(f"{source}: expected {len(FEATURE_NAMES)} weights")
        return cls(
            float(data["bias"]), tuple(float(w) for w in weights), dict(data.get("info", {}))
        )


def load_risk_model(path: Path | None = None) -> RiskModel:
    """Read a risk model file (the shipped one when ``path`` is None). Raises RiskModelError."""
    path = DEFAULT_MODEL_PATH if path is None else Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RiskModelError(f"{path}: cannot read the risk model ({exc})") from None
    return RiskModel.from_dict(data, source=str(path))
