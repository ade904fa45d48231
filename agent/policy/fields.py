"""Checked value types shared by the policy file's sections: unit values, scores, counts, signals."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from agent.sentiment.signals import KNOWN_SIGNALS


def _unit(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError("must be between 0 and 1")
    return value


def _score(value: float) -> float:
    if not -1.0 <= value <= 1.0:
        raise ValueError("must be between -1 and 1")
    return value


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _steps(value: int) -> int:
    if not 0 <= value <= 4:
        raise ValueError("must be between 0 and 4")
    return value


def _known_signal(value: str) -> str:
    if value not in KNOWN_SIGNALS:
        raise ValueError(f"unknown signal {value!r} (known: {', '.join(KNOWN_SIGNALS)})")
    return value


Unit = Annotated[float, AfterValidator(_unit)]
Score = Annotated[float, AfterValidator(_score)]
Count = Annotated[int, AfterValidator(_positive)]
Weight = Annotated[float, AfterValidator(_non_negative)]
Steps = Annotated[int, AfterValidator(_steps)]
SignalName = Annotated[str, AfterValidator(_known_signal)]


class Section(BaseModel):
    """A section of the policy file."""

    # Strict and closed: a string where a number belongs, or a misspelt key, is an error, never a
    # silent fall-back to the default.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
