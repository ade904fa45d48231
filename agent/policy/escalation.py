"""Applies the written escalation policy to one turn and returns its decision record (pure)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.policy.config import DEFAULT_POLICY_PATH, PolicyConfig, PolicyError, read_policy_config
from agent.policy.decision import EscalationDecision, PolicyInput, Severity, severity_rank
from agent.policy.rules.registry import (
    RuleContext,
    RuleOutcome,
    RuleSpec,
    raise_severity,
    registered,
)
from agent.policy.rules.repeat_contact import holds as repeat_customer
from agent.policy.tone import select_tone
from agent.risk.features import Trajectory
from agent.risk.model import RiskAssessment, RiskModel, RiskModelError, load_risk_model


class EscalationPolicy:
    """One loaded policy file: evaluates each customer turn into an :class:`EscalationDecision`."""

    def __init__(self, config: PolicyConfig, risk_model: RiskModel | None = None) -> None:
        self.config = config
        self.version = f"{config.name}@{config.version}"
        self.risk_model = risk_model if risk_model is not None else load_risk_model(None)
        self._rules: list[tuple[RuleSpec[Any], Any]] = [
            (spec, config.rule(spec.id)) for spec in registered()
        ]

    @property
    def trend_window(self) -> int:
        """Customer messages the sentiment trend is fitted over (pass to ``trend.summarize``)."""
        return self.config.trend.window

    @property
    def trend_slope_threshold(self) -> float:
        return self.config.trend.slope_threshold

    def assess_risk(self, inp: PolicyInput) -> RiskAssessment:
        """P(this conversation ends badly | its trajectory so far), with the factors behind it."""
        repeat = repeat_customer(getattr(self.config.rules, "repeat_contact"), inp)  # noqa: B009
        trajectory = Trajectory.of(
            inp.reading,
            inp.conversation,
            ungrounded_streak=inp.ungrounded_streak,
            repeat_customer=repeat,
        )
        return self.risk_model.assess(trajectory)

    def risk(self, inp: PolicyInput) -> float:
        """The conversation risk alone, in [0, 1]."""
        return self.assess_risk(inp).risk

    def evaluate(self, inp: PolicyInput) -> EscalationDecision:
        """The decision record of one customer turn, escalated or not."""
        assessment = self.assess_risk(inp)
        ctx = RuleContext(inp, self.config, assessment)
        outcomes = [(spec, spec.evaluate(settings, ctx)) for spec, settings in self._rules]
        evidence = tuple(e for _, o in outcomes for e in o.evidence)
        fired = [o for spec, o in outcomes if spec.decides and o.fired]
        modifiers = [o for spec, o in outcomes if not spec.decides and o.fired]
        tone = select_tone(inp.reading, inp.conversation)

        deciding: RuleOutcome | None = None
        for outcome in fired:  # ties go to the earlier rule: the clearer reason
            if deciding is None or severity_rank(outcome.severity) > severity_rank(
                deciding.severity
            ):
                deciding = outcome
        severity: Severity = deciding.severity if deciding else "none"
        reason = deciding.reason if deciding else self._calm_reason(inp, assessment)
        if deciding:
            for modifier in modifiers:
                severity = raise_severity(severity, modifier.raise_steps)
                reason += f"; severity raised to {severity}: {modifier.reason}"
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
                severity = raise_severity(
                    severity, self.config.ownership.queued_retrigger_raise_steps
                )
                reason = f"Already waiting for a person; priority raised to {severity}. {reason}"
        else:
            reason = f"A person owns this conversation ({inp.owner}); recorded only. {reason}"

        return EscalationDecision(
            escalate=escalate,
            rule=deciding.rule if deciding else None,
            severity=severity,
            risk=assessment.risk,
            reason=reason if reason.endswith(("'", ".")) else reason + ".",
            policy_version=self.version,
            tone=tone.id,
            tone_instruction=tone.instruction,
            fired_rules=tuple(o.rule for o in fired),
            evidence=evidence,
            raise_priority=raise_priority,
        )

    def _calm_reason(self, inp: PolicyInput, assessment: RiskAssessment) -> str:
        limit = self.config.rule("frustration").threshold
        because = f": {assessment.because}" if assessment.because else ""
        return (
            f"No escalation rule fired (frustration {inp.reading.frustration:.2f} of "
            f"{limit:.2f}, score {inp.reading.score:+.2f}, risk {assessment.risk:.2f}{because})"
        )


def load_policy(path: Path | None = None) -> EscalationPolicy:
    """Load and validate a policy file; None loads the shipped default. Raises PolicyError."""
    config = read_policy_config(path)
    model_path = config.risk.model
    if model_path is None:
        return EscalationPolicy(config)
    base = (DEFAULT_POLICY_PATH if path is None else Path(path)).parent
    resolved = Path(model_path) if Path(model_path).is_absolute() else base / model_path
    try:
        return EscalationPolicy(config, load_risk_model(resolved))
    except RiskModelError as exc:
        raise PolicyError(f"{path}: risk.model: {exc}") from None
