"""Shared guards of the frustration rules: suspected sarcasm alone needs a second negative message."""

from __future__ import annotations

from agent.policy.decision import Evidence, Severity
from agent.policy.fields import Section, Unit
from agent.policy.rules.registry import RuleContext, RuleOutcome, quote
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.sentiment.signals import SIGNALS, Signal

# Cues that make a message negative in their own right (the signal table's counts_alone); when
# none of them fired, a negative reading that carries sarcasm_suspected rests on the guess alone.
_INDEPENDENT_NEGATIVE_CUES = frozenset(s for s, info in SIGNALS.items() if info.counts_alone)


class ThresholdRule(Section):
    enabled: bool = True
    threshold: Unit
    severity: Severity


def sarcasm_alone(reading: SentimentReading) -> bool:
    """True when suspected sarcasm is this message's only sign of trouble."""
    signals = set(reading.signals)
    return Signal.SARCASM_SUSPECTED in signals and not signals & _INDEPENDENT_NEGATIVE_CUES


def _prior_negative(
    conversation: ConversationSentiment, at_most: float
) -> tuple[bool, float | str]:
    if len(conversation.scores) >= 2:
        previous = conversation.scores[-2]
        return previous <= at_most, round(previous, 4)
    if conversation.consecutive_negative >= 2:
        return True, "negative"
    return False, "none"


def sarcasm_held(ctx: RuleContext, rule_id: str) -> tuple[bool, Evidence | None]:
    """Whether suspected sarcasm alone must not trip ``rule_id`` on this message."""
    guard = ctx.config.sarcasm
    if not (guard.enabled and sarcasm_alone(ctx.inp.reading)):
        return False, None
    corroborated, previous = _prior_negative(ctx.inp.conversation, guard.prior_score_at_most)
    evidence = Evidence(
        rule_id,
        "previous_score (sarcasm needs a negative previous message)",
        previous,
        guard.prior_score_at_most,
        "<=",
        corroborated,
    )
    return not corroborated, evidence


def frustration_at(
    settings: ThresholdRule, ctx: RuleContext, rule_id: str, strength: str
) -> RuleOutcome:
    """The frustration rules: this message's frustration against the rule's threshold."""
    out = RuleOutcome(rule_id)
    value = ctx.inp.reading.frustration
    crossed = settings.enabled and value >= settings.threshold
    held, guard = sarcasm_held(ctx, rule_id) if crossed else (False, None)
    out.evidence.append(
        Evidence(
            rule_id, "frustration", round(value, 4), settings.threshold, ">=", crossed and not held
        )
    )
    if guard is not None:
        out.evidence.append(guard)
    if crossed and not held:
        out.fired, out.severity = True, settings.severity
        out.reason = (
            f"Customer is {strength} (frustration {value:.2f}, limit {settings.threshold:.2f})"
            f"{quote(ctx.inp.message)}"
        )
    return out
