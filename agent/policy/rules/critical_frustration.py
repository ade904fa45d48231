"""Frustration at breaking point (default >= 0.9): a person first in line."""

from __future__ import annotations

from agent.policy.decision import Severity
from agent.policy.fields import Unit
from agent.policy.rules.guards import ThresholdRule, frustration_at
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule


class CriticalFrustrationRule(ThresholdRule):
    threshold: Unit = 0.9
    severity: Severity = "critical"


@rule("critical_frustration", settings=CriticalFrustrationRule, precedence=20)
def critical_frustration(settings: CriticalFrustrationRule, ctx: RuleContext) -> RuleOutcome:
    return frustration_at(settings, ctx, "critical_frustration", "very frustrated")
