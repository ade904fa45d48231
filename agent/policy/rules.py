"""Applies the written escalation policy to one turn and returns its decision record (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from agent.policy.config import PolicyConfig, read_policy_config
from agent.policy.decision import (
    SEVERITY_ORDER,
    EscalationDecision,
    Evidence,
    PolicyInput,
    Severity,
    severity_rank,
)
from agent.policy.tone import select_tone
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.sentiment.trend import accumulated_level

# Cues that make a message negative in their own right; when none of them fired, a negative
# reading that carries sarcasm_suspected rests on the sarcasm guess alone.
_INDEPENDENT_NEGATIVE_CUES = frozenset(
    {
        "explicit_human_request",
        "repeat_contact",
        "elapsed_time_complaint",
        "all_caps",
        "profanity",
        "threat_to_cancel",
        "chargeback_threat",
        "legal_threat",
        "safety_concern",
    }
)

_SIGNAL_REASONS = {
    "legal_threat": "Customer mentioned legal action",
    "chargeback_threat": "Customer threatened a chargeback or a dispute with their bank",
    "safety_concern": "Customer reported a safety concern",
    "threat_to_cancel": "Customer is upset and threatening to cancel",
}


@dataclass
class _Outcome:
    """What one rule found on this turn."""

    rule: str
    fired: bool = False
    severity: Severity = "none"
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)


def _raise(severity: Severity, steps: int) -> Severity:
    return SEVERITY_ORDER[min(severity_rank(severity) + steps, len(SEVERITY_ORDER) - 1)]


def _quote(message: str | None, limit: int = 90) -> str:
    if not message:
        return ""
    text = " ".join(message.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f": '{text}'"


def sarcasm_alone(reading: SentimentReading) -> bool:
    """True when suspected sarcasm is this message's only sign of trouble."""
    signals = set(reading.signals)
    return "sarcasm_suspected" in signals and not signals & _INDEPENDENT_NEGATIVE_CUES


class EscalationPolicy:
    """One loaded policy file: evaluates each customer turn into an :class:`EscalationDecision`."""

    def __init__(self, config: PolicyConfig) -> None:
        self.config = config
        self.version = f"{config.name}@{config.version}"

    @property
    def trend_window(self) -> int:
        """Customer messages the sentiment trend is fitted over (pass to ``trend.summarize``)."""
        return self.config.trend.window

    @property
    def trend_slope_threshold(self) -> float:
        return self.config.trend.slope_threshold

    # -- the rules ----------------------------------------------------------------------------

    def _explicit_request(self, inp: PolicyInput) -> _Outcome:
        rule = self.config.rules.explicit_request
        asked = "explicit_human_request" in inp.reading.signals
        out = _Outcome("explicit_request")
        out.evidence.append(
            Evidence(
                "explicit_request",
                "signal",
                "explicit_human_request" if asked else "",
                "explicit_human_request",
                "in",
                asked,
            )
        )
        if asked:
            out.fired, out.severity = True, rule.severity
            out.reason = f"Customer asked for a person{_quote(inp.message)}"
        return out

    def _prior_negative(self, conversation: ConversationSentiment) -> tuple[bool, float | str]:
        if len(conversation.scores) >= 2:
            previous = conversation.scores[-2]
            return previous <= self.config.sarcasm.prior_score_at_most, round(previous, 4)
        if conversation.consecutive_negative >= 2:
            return True, "negative"
        return False, "none"

    def _sarcasm_held(self, inp: PolicyInput, rule: str) -> tuple[bool, Evidence | None]:
        """Whether suspected sarcasm alone must not trip ``rule`` on this message."""
        if not (self.config.sarcasm.enabled and sarcasm_alone(inp.reading)):
            return False, None
        corroborated, previous = self._prior_negative(inp.conversation)
        evidence = Evidence(
            rule,
            "previous_score (sarcasm needs a negative previous message)",
            previous,
            self.config.sarcasm.prior_score_at_most,
            "<=",
            corroborated,
        )
        return not corroborated, evidence

    def _frustration(self, inp: PolicyInput, rule_id: str) -> _Outcome:
        rule = {
            "critical_frustration": self.config.rules.critical_frustration,
            "frustration": self.config.rules.frustration,
            "elevated_frustration": self.config.rules.elevated_frustration,
        }[rule_id]
        out = _Outcome(rule_id)
        value = inp.reading.frustration
        crossed = rule.enabled and value >= rule.threshold
        held, guard = self._sarcasm_held(inp, rule_id) if crossed else (False, None)
        out.evidence.append(
            Evidence(
                rule_id, "frustration", round(value, 4), rule.threshold, ">=", crossed and not held
            )
        )
        if guard is not None:
            out.evidence.append(guard)
        if crossed and not held:
            out.fired, out.severity = True, rule.severity
            strength = {
                "critical_frustration": "very frustrated",
                "frustration": "frustrated",
                "elevated_frustration": "getting frustrated",
            }[rule_id]
            out.reason = (
                f"Customer is {strength} (frustration {value:.2f}, limit {rule.threshold:.2f})"
                f"{_quote(inp.message)}"
            )
        return out

    def _unresolved_followup(self, inp: PolicyInput) -> _Outcome:
        """A customer chasing something unresolved (asked before, or waited days) and upset about it.

        Polite business mail ("please advise ... outstanding for 14 business days") rarely reads as
        furious, yet it is exactly the contact a person should take.
        """
        rule = self.config.rules.unresolved_followup
        out = _Outcome("unresolved_followup")
        cues = sorted(set(rule.signals) & set(inp.reading.signals))
        value = inp.reading.frustration
        negative = inp.reading.label == "negative" or not rule.require_negative
        fired = rule.enabled and bool(cues) and negative and value >= rule.frustration_at_least
        out.evidence.append(
            Evidence(
                "unresolved_followup",
                "signal",
                ", ".join(cues),
                " | ".join(rule.signals),
                "in",
                bool(cues) and fired,
            )
        )
        out.evidence.append(
            Evidence(
                "unresolved_followup",
                "frustration",
                round(value, 4),
                rule.frustration_at_least,
                ">=",
                fired,
            )
        )
        if fired:
            out.fired, out.severity = True, rule.severity
            what = "has contacted us before" if "repeat_contact" in cues else "has waited a long time"
            out.reason = (
                f"Customer {what} about an unresolved issue and is frustrated "
                f"(frustration {value:.2f}){_quote(inp.message)}"
            )
        return out

    def _sustained_negative(self, inp: PolicyInput) -> _Outcome:
        rule = self.config.rules.sustained_negative
        out = _Outcome("sustained_negative")
        scores = list(inp.conversation.scores) or [inp.reading.score]
        run = 0
        for score in reversed(scores):
            if score > rule.score_at_most:
                break
            run += 1
        long_enough = run >= rule.messages
        declining = inp.conversation.trend == "declining"
        fired = rule.enabled and long_enough and (declining or not rule.require_declining)
        out.evidence.append(
            Evidence(
                "sustained_negative",
                f"messages with score <= {rule.score_at_most}",
                run,
                rule.messages,
                ">=",
                fired,
            )
        )
        if rule.require_declining:
            out.evidence.append(
                Evidence(
                    "sustained_negative", "trend", inp.conversation.trend, "declining", "==", fired
                )
            )
        if fired:
            out.fired, out.severity = True, rule.severity
            recent = ", ".join(f"{s:+.2f}" for s in scores[-rule.messages :])
            out.reason = (
                f"Customer has been very negative for {run} messages in a row (scores {recent})"
                + (" and is getting worse" if declining else "")
            )
        return out

    def _bot_cannot_help(self, inp: PolicyInput) -> _Outcome:
        rule = self.config.rules.bot_cannot_help
        out = _Outcome("bot_cannot_help")
        missed = inp.ungrounded_streak >= rule.ungrounded_turns
        satisfied = rule.ignore_satisfied and self._satisfied(inp.reading)
        fired = rule.enabled and missed and not satisfied
        if missed and satisfied:
            out.evidence.append(
                Evidence(
                    "bot_cannot_help",
                    "customer satisfied (thanks or positive score)",
                    True,
                    True,
                    "==",
                    False,
                )
            )
        out.evidence.append(
            Evidence(
                "bot_cannot_help",
                "ungrounded_streak",
                inp.ungrounded_streak,
                rule.ungrounded_turns,
                ">=",
                fired,
            )
        )
        if fired:
            out.fired, out.severity = True, rule.severity
            out.reason = (
                f"The bot found no answer in the help centre for {inp.ungrounded_streak} "
                "customer messages in a row"
            )
        return out

    def _satisfied(self, reading: SentimentReading) -> bool:
        at_least = self.config.rules.bot_cannot_help.satisfied_score_at_least
        thanks = "gratitude" in reading.signals and reading.label != "negative"
        return thanks or (reading.label == "positive" and reading.score >= at_least)

    def _sensitive_topic(self, inp: PolicyInput) -> _Outcome:
        rule = self.config.rules.sensitive_topic
        out = _Outcome("sensitive_topic")
        negative = (
            inp.reading.label == "negative" or inp.reading.frustration >= rule.negative_frustration
        )
        for signal, setting in rule.signals.items():
            present = signal in inp.reading.signals
            fired = rule.enabled and present and (negative or not setting.only_when_negative)
            out.evidence.append(
                Evidence(
                    "sensitive_topic", "signal", signal if present else "", signal, "in", fired
                )
            )
            if fired and severity_rank(setting.severity) > severity_rank(out.severity):
                out.fired, out.severity = True, setting.severity
                label = _SIGNAL_REASONS.get(signal, f"Sensitive topic ({signal})")
                out.reason = f"{label}{_quote(inp.message)}"
        return out

    def _repeat_contact(self, inp: PolicyInput) -> tuple[bool, Evidence]:
        rule = self.config.rules.repeat_contact
        history = inp.customer_history
        count = history.recent_conversations if history else 0
        worsening = bool(history and history.worsening_arc)
        holds = (
            rule.enabled
            and count >= rule.min_conversations
            and (worsening or not rule.require_worsening_arc)
        )
        evidence = Evidence(
            "repeat_contact",
            f"conversations in {rule.window_days} days"
            + (" with a worsening arc" if rule.require_worsening_arc else ""),
            count
            if (worsening or not rule.require_worsening_arc)
            else f"{count} (arc not worsening)",
            rule.min_conversations,
            ">=",
            holds,
        )
        return holds, evidence

    # -- the decision -------------------------------------------------------------------------

    def risk(self, inp: PolicyInput, *, repeat_customer: bool = False) -> float:
        """A smooth, monotone estimate in [0, 1] that this conversation needs a person."""
        w = self.config.risk
        reading, conversation = inp.reading, inp.conversation
        decline = min(
            1.0, max(0.0, -conversation.slope) / (3 * max(self.trend_slope_threshold, 1e-6))
        )
        ungrounded = min(
            1.0, inp.ungrounded_streak / self.config.rules.bot_cannot_help.ungrounded_turns
        )
        # The level of trouble accumulated over the whole conversation, not this message alone:
        # one noisy reading after calm turns counts for half, a run of them builds up.
        frustration = accumulated_level(
            conversation.frustrations, min(1.0, max(0.0, reading.frustration))
        )
        negativity = accumulated_level(
            [max(0.0, -s) for s in conversation.scores], max(0.0, -reading.score)
        )
        z = (
            w.bias
            + w.frustration * frustration
            + w.negative_score * negativity
            + w.declining_slope * decline
            + w.consecutive_negative * min(conversation.consecutive_negative, 3) / 3
            # A content customer is no risk for a miss: 'found it, thanks' needs no answer.
            + w.ungrounded * ungrounded * (1.0 - max(0.0, reading.score))
            + w.urgency * min(1.0, max(0.0, reading.urgency))
            + (w.repeat_customer if repeat_customer else 0.0)
            + sum(w.signals.get(s, 0.0) for s in set(reading.signals))
        )
        return round(1.0 / (1.0 + math.exp(-z)), 4)

    def evaluate(self, inp: PolicyInput) -> EscalationDecision:
        """The decision record of one customer turn, escalated or not."""
        outcomes = [
            self._explicit_request(inp),
            self._frustration(inp, "critical_frustration"),
            self._sustained_negative(inp),
            self._frustration(inp, "frustration"),
            self._unresolved_followup(inp),
            self._bot_cannot_help(inp),
            self._frustration(inp, "elevated_frustration"),
            self._sensitive_topic(inp),
        ]
        repeat, repeat_evidence = self._repeat_contact(inp)
        evidence = tuple(e for o in outcomes for e in o.evidence) + (repeat_evidence,)
        fired = [o for o in outcomes if o.fired]
        risk = self.risk(inp, repeat_customer=repeat)
        tone = select_tone(inp.reading, inp.conversation)

        deciding: _Outcome | None = None
        for outcome in fired:  # ties go to the earlier rule: the clearer reason
            if deciding is None or severity_rank(outcome.severity) > severity_rank(
                deciding.severity
            ):
                deciding = outcome
        severity: Severity = deciding.severity if deciding else "none"
        reason = deciding.reason if deciding else self._calm_reason(inp, risk)
        if deciding and repeat:
            rule = self.config.rules.repeat_contact
            severity = _raise(severity, rule.raise_steps)
            count = inp.customer_history.recent_conversations if inp.customer_history else 0
            reason += (
                f"; severity raised to {severity}: {count} conversations in "
                f"{rule.window_days} days, each ending worse"
            )
        triggered = deciding is not None and severity_rank(severity) >= severity_rank(
            self.config.escalate_at
        )

        escalate = raise_priority = False
        if inp.owner == "bot":
            escalate = triggered
            if deciding and not triggered:
                reason += f" (recorded only: below the {self.config.escalate_at} escalation level)"
        elif inp.owner == "queued":
            raise_priority = triggered
            if triggered:
                severity = _raise(severity, self.config.ownership.queued_retrigger_raise_steps)
                reason = f"Already waiting for a person; priority raised to {severity}. {reason}"
        else:
            reason = f"A person owns this conversation ({inp.owner}); recorded only. {reason}"

        return EscalationDecision(
            escalate=escalate,
            rule=deciding.rule if deciding else None,
            severity=severity,
            risk=risk,
            reason=reason if reason.endswith(("'", ".")) else reason + ".",
            policy_version=self.version,
            tone=tone.id,
            tone_instruction=tone.instruction,
            fired_rules=tuple(o.rule for o in fired),
            evidence=evidence,
            raise_priority=raise_priority,
        )

    def _calm_reason(self, inp: PolicyInput, risk: float) -> str:
        limit = self.config.rules.frustration.threshold
        return (
            f"No escalation rule fired (frustration {inp.reading.frustration:.2f} of "
            f"{limit:.2f}, score {inp.reading.score:+.2f}, risk {risk:.2f})"
        )


def load_policy(path: Path | None = None) -> EscalationPolicy:
    """Load and validate a policy file; None loads the shipped default. Raises PolicyError."""
    return EscalationPolicy(read_policy_config(path))
