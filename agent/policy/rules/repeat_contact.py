"""A known customer coming back unhappy (default 3 conversations in 14 days, each ending worse).

Never escalates on its own: coming back is not a problem by itself. It raises the deciding rule's
severity, and lifts the conversation risk.
"""

from __future__ import annotations

from agent.policy.decision import Evidence, PolicyInput
from agent.policy.fields import Count, Section, Steps
from agent.policy.rules.registry import RuleContext, RuleOutcome, rule


class RepeatContactRule(Section):
    enabled: bool = True
    min_conversations: Count = 3
    window_days: Count = 14
    require_worsening_arc: bool = True
    raise_steps: Steps = 1


def holds(settings: RepeatContactRule, inp: PolicyInput) -> bool:
    """Whether this customer counts as a repeat contact under ``settings``."""
    history = inp.customer_history
    count = history.recent_conversations if history else 0
    worsening = bool(history and history.worsening_arc)
    return (
        settings.enabled
        and count >= settings.min_conversations
        and (worsening or not settings.require_worsening_arc)
    )


@rule("repeat_contact", settings=RepeatContactRule, precedence=100, decides=False)
def repeat_contact(settings: RepeatContactRule, ctx: RuleContext) -> RuleOutcome:
    history = ctx.inp.customer_history
    count = history.recent_conversations if history else 0
    worsening = bool(history and history.worsening_arc)
    held = holds(settings, ctx.inp)
    out = RuleOutcome("repeat_contact", fired=held)
    out.evidence.append(
        Evidence(
            "repeat_contact",
            f"conversations in {settings.window_days} days"
            + (" with a worsening arc" if settings.require_worsening_arc else ""),
            count
            if (worsening or not settings.require_worsening_arc)
            else f"{count} (arc not worsening)",
            settings.min_conversations,
            ">=",
            held,
        )
    )
    if held:
        out.raise_steps = settings.raise_steps
        out.reason = f"{count} conversations in {settings.window_days} days, each ending worse"
    return out
