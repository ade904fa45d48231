"""The conversation is likely to end badly: its fitted risk (agent/risk/) at or above the threshold.

The risk reads the whole trajectory so far, so one noisy message cannot trip this rule; it also
waits for ``min_turns`` customer messages, since a first message alone is no trajectory.
"""

from __future__ import annotations

from agent.policy.decision import Evidence, Severity
from agent.policy.fields import Count, Section, Unit
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule


class ConversationRiskRule(Section):
    enabled: bool = True
    threshold: Unit = 0.8
    min_turns: Count = 2
    calm_improving_below: Unit = 0.5  # frustration under which an improving customer is let be
    severity: Severity = "medium"


@rule("conversation_risk", settings=ConversationRiskRule, precedence=90)
def conversation_risk(settings: ConversationRiskRule, ctx: RuleContext) -> RuleOutcome:
    risk = ctx.risk
    turns = max(ctx.inp.turn, len(ctx.inp.conversation.scores))
    out = RuleOutcome("conversation_risk")
    # A customer whose messages are getting better, and whose latest one is calm, is on the way out
    # of trouble ("oh wait, it works now"): the risk is still recorded and the frustration rules
    # still watch each message, but this rule waits. Sarcasm or a still-frustrated message is not calm.
    improving = (
        ctx.inp.conversation.trend == "improving"
        and ctx.inp.reading.frustration < settings.calm_improving_below
    )
    fired = (
        settings.enabled
        and turns >= settings.min_turns
        and risk.risk >= settings.threshold
        and not improving
    )
    out.evidence.append(
        Evidence("conversation_risk", "risk", risk.risk, settings.threshold, ">=", fired)
    )
    # What moved the risk, in the agent's words; recorded on every turn, fired or not.
    for factor in risk.factors:
        out.evidence.append(
            Evidence(
                "conversation_risk",
                f"because {factor.words}",
                factor.value,
                None,
                f"+{factor.contribution:.2f} log-odds",
                False,
            )
        )
    if fired:
        out.fired, out.severity = True, settings.severity
        out.reason = (
            f"The conversation is likely to end badly (risk {risk.risk:.2f}, limit "
            f"{settings.threshold:.2f}): {risk.because or 'its whole course so far'}"
        )
    return out
