"""Scripted multi-turn conversations through the real graph on the embedded defaults.

Each script asserts whether the conversation is handed to a person, on which customer turn, and by
which rule: the judgement a support lead would check by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from agent.bot import SupportBot, TurnResult
from agent.handoff import InMemoryHandoffQueue


@dataclass(frozen=True)
class Script:
    id: str
    turns: tuple[str, ...]
    escalate_on: tuple[int, ...] | None  # acceptable 1-based turns of the handoff; None = never
    rules: tuple[str, ...] = ()  # acceptable deciding rules


SCRIPTS = (
    Script(
        "calm-faq",
        (
            "hi, how do I reset my password?",
            "ok thanks. and how long does a refund take to reach my card?",
            "perfect, thank you!",
        ),
        None,
    ),
    Script(
        "explicit-request-turn-1",
        ("Can I speak to a real person please?",),
        (1,),
        ("explicit_request",),
    ),
    Script(
        "slow-decline",
        (
            "Hi, my camera keeps going offline. How can I fix it?",
            "I restarted it like the article says but it still drops off the wifi.",
            "That didn't help either. It's offline again and I've missed recordings.",
            "This is getting really annoying, nothing you suggest works at all.",
            "Honestly this is useless. I've wasted my whole evening and it's still broken.",
        ),
        (4, 5),
        ("sustained_negative", "frustration", "critical_frustration"),
    ),
    Script(
        "single-sarcasm",
        ("Oh great, another delay.", "ok, where can I track my parcel?"),
        None,
    ),
    Script(
        "polite-but-furious-business",
        (
            "Please advise on the current status of ticket #44821 as this has now been "
            "outstanding for 14 business days.",
        ),
        (1,),
        ("frustration", "critical_frustration"),
    ),
    Script(
        "repeated-unanswerable",
        (
            "Do you sell garden furniture or patio heaters?",
            "What's the best pizza place near your London office?",
        ),
        (2,),
        ("bot_cannot_help",),
    ),
    Script(
        "recovery-after-early-negative",
        (
            "My thermostat shows the wrong temperature and it's really annoying.",
            "ok, how do I calibrate it?",
            "that worked, thanks a lot!",
        ),
        None,
    ),
    Script(
        "legal-threat",
        ("If my refund isn't sorted by Friday I'm taking this to my lawyer.",),
        (1,),
        ("sensitive_topic",),
    ),
    Script(
        "safety-concern",
        ("My hub is getting really hot and I can smell burning plastic from it.",),
        (1,),
        ("sensitive_topic",),
    ),
    Script(
        "chargeback-threat",
        ("You charged me twice. Refund it or I'll dispute the charge with my bank.",),
        (1,),
        ("sensitive_topic", "frustration", "critical_frustration"),
    ),
    Script(
        "shopping-questions",
        (
            "What's the difference between the Plus and Pro plans?",
            "Do you ship to Germany, and how much is delivery?",
            "Can I pay annually?",
        ),
        None,
    ),
    Script("hedged-dissatisfaction", ("I guess the product works fine.",), None),
    Script("non-english", ("Hola, ¿cómo puedo cambiar mi contraseña?",), None),
    Script(
        "shouting-repeat-contact",
        ("WHERE IS MY ORDER??? THIS IS THE THIRD TIME I'M ASKING AND NOBODY ANSWERS",),
        (1,),
        ("critical_frustration", "frustration", "sustained_negative"),
    ),
    Script("thanks", ("Thanks, that fixed it!",), None),
    Script(
        "mild-complaint-then-answered",
        (
            "My parcel is a day late, a bit disappointing.",
            "How can I see where it is?",
            "Found it, thanks.",
        ),
        None,
    ),
)


def run_script(bot: SupportBot, script: Script) -> list[TurnResult]:
    results = []
    for text in script.turns:
        result = bot.take_turn(f"conv-{script.id}", text)
        results.append(result)
        if result.handed_off:
            break
    return results


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.id for s in SCRIPTS])
def test_scripted_conversation_escalates_when_and_how_expected(
    make_bot: Callable[..., tuple[SupportBot, InMemoryHandoffQueue]], script: Script
) -> None:
    bot, queue = make_bot()
    results = run_script(bot, script)
    handed = [r for r in results if r.handed_off]
    explain = [
        (r.turn, r.reading.score, r.reading.frustration, r.sentiment.trend, r.decision.rule)
        for r in results
    ]
    if script.escalate_on is None:
        assert not handed, f"unexpected handoff: {explain}"
        assert queue.packages == []
        assert all(r.reply is not None and r.reply.text for r in results)
        return
    assert handed, f"expected a handoff on turn {script.escalate_on}: {explain}"
    first = handed[0]
    assert first.turn in script.escalate_on, explain
    assert first.decision.rule in script.rules, explain
    assert len(queue.packages) == 1
    package = queue.packages[0]
    assert package.rule == first.decision.rule
    assert package.transcript[-1]["text"] == first.message
    assert len(package.sentiment_series) == first.turn
    assert "queue" in first.reply.text.lower() or "next in line" in first.reply.text.lower()


def test_slow_decline_hands_off_on_the_turn_the_trend_turns(
    make_bot: Callable[..., tuple[SupportBot, InMemoryHandoffQueue]],
) -> None:
    bot, _ = make_bot()
    script = next(s for s in SCRIPTS if s.id == "slow-decline")
    results = run_script(bot, script)
    # No handoff while the customer is merely reporting a problem.
    assert not any(r.handed_off for r in results[:3])
    assert results[-1].handed_off
    assert results[-1].sentiment.trend == "declining"
    scores = [r.reading.score for r in results]
    assert scores[-1] < scores[0]


def test_second_trigger_while_queued_raises_priority_without_a_second_ticket(
    make_bot: Callable[..., tuple[SupportBot, InMemoryHandoffQueue]],
) -> None:
    bot, queue = make_bot()
    first = bot.take_turn("conv-queued", "I'd like to talk to a human agent please.")
    assert first.handed_off and first.owner == "queued"
    assert first.decision.severity == "high"
    second = bot.take_turn(
        "conv-queued", "HELLO?? Is anyone there? This is ridiculous, I've been waiting forever!"
    )
    assert not second.handed_off
    assert second.reply is None  # the bot stays quiet while a person is coming
    assert second.decision.raise_priority
    assert len(queue.packages) == 1
    assert queue.priority_raises and queue.priority_raises[0][0] == "conv-queued"
    assert second.handoff is not None and second.handoff["severity"] == "critical"


def test_hand_back_lets_the_bot_answer_again_with_the_note(
    make_bot: Callable[..., tuple[SupportBot, InMemoryHandoffQueue]],
) -> None:
    bot, _ = make_bot()
    bot.take_turn("conv-back", "Put me through to a person please.")
    # An agent claimed it: the records' owner goes into the turn.
    while_human = bot.take_turn("conv-back", "ok thanks for sorting the refund", owner="human")
    assert while_human.reply is None
    assert while_human.reading.label == "positive"  # still read while a human owns it
    bot.hand_back("conv-back", "Refund of $49 issued for the duplicate charge.")
    after = bot.take_turn("conv-back", "One more thing: how do I change my email address?")
    assert after.owner == "bot"
    assert after.reply is not None and after.reply.grounded
    assert not after.handed_off
    assert bot.snapshot("conv-back")["notes"] == []
