"""A run of very negative messages that keeps getting worse (default 2 at score <= -0.6, declining)."""

from __future__ import annotations

from agent.policy.decision import Evidence, Severity
from agent.policy.fields import Count, Score, Section
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule


class SustainedNegativeRule(Section):
    enabled: bool = True
    score_at_most: Score = -0.6
    messages: Count = 2
    require_declining: bool = True
    severity: Severity = "high"


@rule("sustained_negative", settings=SustainedNegativeRule, precedence=30)
def sustained_negative(settings: SustainedNegativeRule, ctx: RuleContext) -> RuleOutcome:
    inp = ctx.inp
    out = RuleOutcome("sustained_negative")
    scores = list(inp.conversation.scores) or [inp.reading.score]
    run = 0
    for score in reversed(scores):
        if score > settings.score_at_most:
            break
        run += 1
    long_enough = run >= settings.messages
    declining = inp.conversation.trend == "declining"
    fired = settings.enabled and long_enough and (declining or not settings.require_declining)
    out.evidence.append(
        Evidence(
            "sustained_negative",
            f"messages with score <= {settings.score_at_most}",
            run,
            settings.messages,
            ">=",
            fired,
        )
    )
    if settings.require_declining:
        out.evidence.append(
            Evidence(
                "sustained_negative", "trend", inp.conversation.trend, "declining", "==", fired
            )
        )
    if fired:
        out.fired, out.severity = True, settings.severity
        recent = ", ".join(f"{s:+.2f}" for s in scores[-settings.messages :])
        out.reason = (
            f"Customer has been very negative for {run} messages in a row (scores {recent})"
            + (" and is getting worse" if declining else "")
        )
    return out
