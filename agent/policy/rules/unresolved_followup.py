"""A customer chasing something unresolved (asked before, or waited days) and upset about it.

Polite business mail ("please advise ... outstanding for 14 business days") rarely reads as
furious, yet it is exactly the contact a person should take.
"""

from __future__ import annotations

from pydantic import Field

from agent.policy.decision import Evidence, Severity
from agent.policy.fields import Section, SignalName, Unit
from agent.policy.rules.registry import RuleContext, RuleOutcome, quote, rule
from agent.sentiment.signals import Signal


def _default_followup_signals() -> list[str]:
    return [Signal.REPEAT_CONTACT.value, Signal.ELAPSED_TIME_COMPLAINT.value]


class UnresolvedFollowupRule(Section):
    enabled: bool = True
    signals: list[SignalName] = Field(default_factory=_default_followup_signals)
    frustration_at_least: Unit = 0.6
    require_negative: bool = True
    severity: Severity = "medium"


@rule("unresolved_followup", settings=UnresolvedFollowupRule, precedence=50)
def unresolved_followup(settings: UnresolvedFollowupRule, ctx: RuleContext) -> RuleOutcome:
    reading = ctx.inp.reading
    out = RuleOutcome("unresolved_followup")
    cues = sorted(set(settings.signals) & {str(s) for s in reading.signals})
    value = reading.frustration
    negative = reading.label == "negative" or not settings.require_negative
    fired = settings.enabled and bool(cues) and negative and value >= settings.frustration_at_least
    out.evidence.append(
        Evidence(
            "unresolved_followup",
            "signal",
            ", ".join(cues),
            " | ".join(settings.signals),
            "in",
            bool(cues) and fired,
        )
    )
    out.evidence.append(
        Evidence(
            "unresolved_followup",
            "frustration",
            round(value, 4),
            settings.frustration_at_least,
            ">=",
            fired,
        )
    )
    if fired:
        out.fired, out.severity = True, settings.severity
        what = (
            "has contacted us before" if Signal.REPEAT_CONTACT in cues else "has waited a long time"
        )
        out.reason = (
            f"Customer {what} about an unresolved issue and is frustrated "
            f"(frustration {value:.2f}){quote(ctx.inp.message)}"
        )
    return out
