"""A clearly frustrated message (default frustration >= 0.75), not yet critical."""

from __future__ import annotations

from agent.policy.decision import Severity
from agent.policy.fields import Unit
from agent.policy.rules.guards import ThresholdRule, frustration_at
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule


class FrustrationRule(ThresholdRule):
    threshold: Unit = 0.75
    severity: Severity = "medium"


@rule("frustration", settings=FrustrationRule, precedence=40)
def frustration(settings: FrustrationRule, ctx: RuleContext) -> RuleOutcome:
    return frustration_at(settings, ctx, "frustration", "frustrated")
