"""A watch level (default frustration >= 0.6, severity low): recorded, raised for repeat customers."""

from __future__ import annotations

from agent.policy.decision import Severity
from agent.policy.fields import Unit
from agent.policy.rules.guards import ThresholdRule, frustration_at
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule


class ElevatedFrustrationRule(ThresholdRule):
    threshold: Unit = 0.6
    severity: Severity = "low"


@rule("elevated_frustration", settings=ElevatedFrustrationRule, precedence=70)
def elevated_frustration(settings: ElevatedFrustrationRule, ctx: RuleContext) -> RuleOutcome:
    return frustration_at(settings, ctx, "elevated_frustration", "getting frustrated")
