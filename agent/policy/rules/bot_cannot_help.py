"""No grounded answer for N customer turns in a row (default 2), unless the customer is content."""

from __future__ import annotations

from agent.policy.decision import Evidence, Severity
from agent.policy.fields import Count, Score, Section
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule
from agent.sentiment.reading import SentimentReading
from agent.sentiment.signals import Signal


class BotCannotHelpRule(Section):
    enabled: bool = True
    ungrounded_turns: Count = 2
    severity: Severity = "medium"
    # A closing "found it, thanks" needs no answer from the help centre: do not count it as a miss.
    ignore_satisfied: bool = True
    satisfied_score_at_least: Score = 0.3


def _satisfied(settings: BotCannotHelpRule, reading: SentimentReading) -> bool:
    thanks = Signal.GRATITUDE in reading.signals and reading.label != "negative"
    return thanks or (
        reading.label == "positive" and reading.score >= settings.satisfied_score_at_least
    )


@rule("bot_cannot_help", settings=BotCannotHelpRule, precedence=60)
def bot_cannot_help(settings: BotCannotHelpRule, ctx: RuleContext) -> RuleOutcome:
    inp = ctx.inp
    out = RuleOutcome("bot_cannot_help")
    missed = inp.ungrounded_streak >= settings.ungrounded_turns
    satisfied = settings.ignore_satisfied and _satisfied(settings, inp.reading)
    fired = settings.enabled and missed and not satisfied
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
            settings.ungrounded_turns,
            ">=",
            fired,
        )
    )
    if fired:
        out.fired, out.severity = True, settings.severity
        out.reason = (
            f"The bot found no answer in the help centre for {inp.ungrounded_streak} "
            "customer messages in a row"
        )
    return out
