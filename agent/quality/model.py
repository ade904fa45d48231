"""The predicted-satisfaction model: a linear model over a conversation's arc, read from JSON.

The prediction is the expected rating (1-5); its confidence is the chance that the customer's own
rating would round to the same whole star, under the model's held-out error (wider for a short
conversation, whose arc rests on few readings).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.quality.arc import ConversationArc

DEFAULT_MODEL_PATH = Path(__file__).parent / "model" / "satisfaction_model.json"
FORMAT = 1
MIN_RATING, MAX_RATING = 1, 5


class SatisfactionModelError(ValueError):
    """A satisfaction model file that cannot be used; the message names the file."""


def _resolved(value: bool | None) -> Callable[[ConversationArc], float]:
    return lambda a: 1.0 if a.resolved is value else 0.0


# name -> how it is measured; the model file lists the names it was fitted on.
FEATURES: dict[str, Callable[[ConversationArc], float]] = {
    "exit_score": lambda a: a.exit,
    "arc": lambda a: a.arc,
    "risk": lambda a: a.risk,
    "peak_frustration": lambda a: a.peak_frustration,
    "negativity": lambda a: a.negativity,
    "thanked": lambda a: 1.0 if a.thanked else 0.0,
    "escalated": lambda a: 1.0 if a.escalated else 0.0,
    "resolved": _resolved(True),
    "unresolved": _resolved(False),
}
FEATURE_NAMES = tuple(FEATURES)


def feature_values(arc: ConversationArc) -> list[float]:
    return [FEATURES[name](arc) for name in FEATURE_NAMES]


@dataclass(frozen=True)
class Prediction:
    """A predicted rating (1.0-5.0) and how sure the model is of its whole star (0-1)."""

    satisfaction: float
    confidence: float


@dataclass(frozen=True)
class SatisfactionModel:
    bias: float
    weights: tuple[float, ...]
    residual_sd: float  # the model's typical error on held-out ratings, in stars
    info: dict[str, Any]

    def predict(self, arc: ConversationArc) -> Prediction:
        raw = self.bias + sum(w * x for w, x in zip(self.weights, feature_values(arc), strict=True))
        value = min(float(MAX_RATING), max(float(MIN_RATING), raw))
        # Few readings make a shaky arc: the spread grows as the conversation gets shorter.
        spread = max(0.2, self.residual_sd) * math.sqrt(1.0 + 1.0 / max(arc.turns, 0.5))
        star = round(value)
        confidence = _normal_cdf((star + 0.5 - raw) / spread) - _normal_cdf(
            (star - 0.5 - raw) / spread
        )
        if star == MIN_RATING:
            confidence = _normal_cdf((star + 0.5 - raw) / spread)
        elif star == MAX_RATING:
            confidence = 1.0 - _normal_cdf((star - 0.5 - raw) / spread)
        return Prediction(round(value, 2), round(min(0.95, max(0.05, confidence)), 2))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(FEATURE_NAMES),
            "bias": round(self.bias, 6),
            "weights": [round(w, 6) for w in self.weights],
            "residual_sd": round(self.residual_sd, 4),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "satisfaction model") -> SatisfactionModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SatisfactionModelError(f"{source}: not a satisfaction model of format {FORMAT}")
        if data.get("features") != list(FEATURE_NAMES):
            raise SatisfactionModelError(
                f"{source}: fitted on other features; refit it with `tideline quality train`"
            )
        weights = data.get("weights")
        if not isinstance(weights, list) or len(weights) != len(FEATURE_NAMES):
            raise SatisfactionModelError(f"{source}: expected {len(FEATURE_NAMES)} weights")
        try:
            return cls(
                float(data["bias"]),
                tuple(float(w) for w in weights),
                float(data["residual_sd"]),
                dict(data.get("info", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SatisfactionModelError(f"{source}: {exc}") from None


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def load_satisfaction_model(path: Path | None = None) -> SatisfactionModel:
    """Read a model file (the shipped one when ``path`` is None). Raises SatisfactionModelError."""
    path = DEFAULT_MODEL_PATH if path is None else Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SatisfactionModelError(
            f"{path}: cannot read the satisfaction model ({exc})"
        ) from None
    return SatisfactionModel.from_dict(data, source=str(path))
