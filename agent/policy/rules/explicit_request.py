"""The customer asks for a person: always honoured (its severity is kept at or above escalate_at)."""

from __future__ import annotations

from pydantic import field_validator

from agent.policy.decision import Evidence, Severity
from agent.policy.fields import Section
from agent.policy.rules.registry import RuleContext, RuleOutcome, quote, rule
from agent.sentiment.signals import Signal


class ExplicitRequestRule(Section):
    enabled: bool = True
    severity: Severity = "high"

    @field_validator("enabled")
    @classmethod
    def _always_honoured(cls, enabled: bool) -> bool:
        if not enabled:
            raise ValueError(
                "cannot be false: a customer who asks for a person is always handed over"
            )
        return enabled


@rule("explicit_request", settings=ExplicitRequestRule, precedence=10)
def explicit_request(settings: ExplicitRequestRule, ctx: RuleContext) -> RuleOutcome:
    asked = Signal.EXPLICIT_HUMAN_REQUEST in ctx.inp.reading.signals
    out = RuleOutcome("explicit_request")
    out.evidence.append(
        Evidence(
            "explicit_request",
            "signal",
            Signal.EXPLICIT_HUMAN_REQUEST.value if asked else "",
            Signal.EXPLICIT_HUMAN_REQUEST.value,
            "in",
            asked,
        )
    )
    if asked:
        out.fired, out.severity = True, settings.severity
        out.reason = f"Customer asked for a person{quote(ctx.inp.message)}"
    return out
