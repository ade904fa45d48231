"""The small registry the rule modules add themselves to, and what a rule reads and returns."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from agent.policy.decision import SEVERITY_ORDER, Evidence, PolicyInput, Severity, severity_rank
from agent.policy.fields import Section

if TYPE_CHECKING:
    from agent.policy.config import PolicyConfig
    from agent.risk.model import RiskAssessment

S = TypeVar("S", bound=Section)


@dataclass(frozen=True)
class RuleContext:
    """What every rule may read on one turn: the input, the whole policy and the conversation risk."""

    inp: PolicyInput
    config: PolicyConfig
    risk: RiskAssessment


@dataclass
class RuleOutcome:
    """What one rule found on this turn."""

    rule: str
    fired: bool = False
    severity: Severity = "none"
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    # A modifier (decides=False) that holds raises the deciding rule's severity by this many steps
    # and appends ``reason`` to the deciding rule's reason.
    raise_steps: int = 0


@dataclass(frozen=True)
class RuleSpec(Generic[S]):
    """One rule: its id (the policy file's section), settings schema, precedence and evaluation."""

    id: str
    settings: type[S]
    evaluate: Callable[[S, RuleContext], RuleOutcome]
    # Lower goes first: the order of the policy file's sections and the tie-break when two rules of
    # the same severity fire (the earlier one gives the clearer reason).
    precedence: int
    decides: bool = True  # False: a modifier that only raises the deciding rule's severity


_REGISTRY: dict[str, RuleSpec[Any]] = {}


def rule(
    rule_id: str, *, settings: type[S], precedence: int, decides: bool = True
) -> Callable[[Callable[[S, RuleContext], RuleOutcome]], Callable[[S, RuleContext], RuleOutcome]]:
    """Register the decorated function as rule ``rule_id`` with its settings section."""

    def add(evaluate: Callable[[S, RuleContext], RuleOutcome]) -> Callable[..., RuleOutcome]:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id!r} is registered twice")
        _REGISTRY[rule_id] = RuleSpec(rule_id, settings, evaluate, precedence, decides)
        return evaluate

    return add


def registered() -> list[RuleSpec[Any]]:
    """Every rule, in precedence order; imports each module of this package once to find them."""
    package = __name__.rsplit(".", 1)[0]
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if module.name != "registry":
            importlib.import_module(f"{package}.{module.name}")
    return sorted(_REGISTRY.values(), key=lambda spec: spec.precedence)


def raise_severity(severity: Severity, steps: int) -> Severity:
    """``severity`` raised ``steps`` steps, at most to critical."""
    return SEVERITY_ORDER[min(severity_rank(severity) + steps, len(SEVERITY_ORDER) - 1)]


def quote(message: str | None, limit: int = 90) -> str:
    """The customer's words for a reason sentence: ": '...'" (shortened), or nothing."""
    if not message:
        return ""
    text = " ".join(message.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f": '{text}'"
