"""Legal, payment-dispute, safety and (when upset) cancellation matters go to a person at once."""

from __future__ import annotations

from pydantic import Field

from agent.policy.decision import Evidence, Severity, severity_rank
from agent.policy.fields import Section, SignalName, Unit
from agent.policy.rules.registry import RuleContext, RuleOutcome, quote, rule
from agent.sentiment.signals import Signal

_SIGNAL_REASONS = {
    Signal.LEGAL_THREAT: "Customer mentioned legal action",
    Signal.CHARGEBACK_THREAT: "Customer threatened a chargeback or a dispute with their bank",
    Signal.SAFETY_CONCERN: "Customer reported a safety concern",
    Signal.THREAT_TO_CANCEL: "Customer is upset and threatening to cancel",
}


class SensitiveSignal(Section):
    severity: Severity = "high"
    only_when_negative: bool = False


def _default_sensitive_signals() -> dict[str, SensitiveSignal]:
    return {
        Signal.LEGAL_THREAT.value: SensitiveSignal(),
        Signal.CHARGEBACK_THREAT.value: SensitiveSignal(),
        Signal.SAFETY_CONCERN.value: SensitiveSignal(),
        Signal.THREAT_TO_CANCEL.value: SensitiveSignal(only_when_negative=True),
    }


class SensitiveTopicRule(Section):
    enabled: bool = True
    signals: dict[SignalName, SensitiveSignal] = Field(default_factory=_default_sensitive_signals)
    # What "negative" means for signals marked only_when_negative.
    negative_frustration: Unit = 0.5


@rule("sensitive_topic", settings=SensitiveTopicRule, precedence=80)
def sensitive_topic(settings: SensitiveTopicRule, ctx: RuleContext) -> RuleOutcome:
    reading = ctx.inp.reading
    out = RuleOutcome("sensitive_topic")
    negative = reading.label == "negative" or reading.frustration >= settings.negative_frustration
    for signal, setting in settings.signals.items():
        present = signal in reading.signals
        fired = settings.enabled and present and (negative or not setting.only_when_negative)
        out.evidence.append(
            Evidence("sensitive_topic", "signal", signal if present else "", signal, "in", fired)
        )
        if fired and severity_rank(setting.severity) > severity_rank(out.severity):
            out.fired, out.severity = True, setting.severity
            label = _SIGNAL_REASONS.get(Signal(signal), f"Sensitive topic ({signal})")
            out.reason = f"{label}{quote(ctx.inp.message)}"
    return out
