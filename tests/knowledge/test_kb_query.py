"""The search text of a customer message: greetings and thanks around a question are not searched."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from knowledge import KnowledgeBase
from knowledge.query import search_text


@pytest.mark.parametrize(
    ("message", "searched"),
    [
        ("Thanks! And how long does a refund take?", "how long does a refund take?"),
        ("Hi there, quick question: where is my parcel?", "where is my parcel?"),
        ("How long does delivery take? Thanks in advance!", "How long does delivery take?"),
        ("ok thanks so much, and can I change my address?", "can I change my address?"),
        ("Good morning team. My camera is offline", "My camera is offline"),
        ("that helps, thank you. one more thing: how do I cancel?", "how do I cancel?"),
        # Nothing but courtesy, or too little left: the message is searched as it is.
        ("thanks", "thanks"),
        ("Thank you so much!", "Thank you so much!"),
        ("Hello", "Hello"),
        # Words that only look like courtesy stay.
        ("Thanksgiving delivery times?", "Thanksgiving delivery times?"),
        ("Hey Google integration not working", "Google integration not working"),
    ],
)
def test_search_text(message: str, searched: str) -> None:
    assert search_text(message) == searched


def test_a_question_wrapped_in_thanks_is_answered_like_the_bare_question(
    sample_kb: KnowledgeBase,
) -> None:
    bare = sample_kb.search("How long does a refund take?")
    wrapped = sample_kb.search("Thanks! And how long does a refund take? Cheers")
    assert wrapped.query == "Thanks! And how long does a refund take? Cheers"  # kept as asked
    assert [p.doc_id for p in wrapped.passages] == [p.doc_id for p in bare.passages]
    assert wrapped.confidence == bare.confidence


def test_the_bot_answers_a_polite_follow_up_question(make_bot: Callable[..., tuple]) -> None:
    bot, _ = make_bot()
    bot.take_turn("polite", "How do I reset my password?")
    result = bot.take_turn("polite", "Thanks! And how long does a refund take?")
    assert result.reply is not None and result.reply.grounded
    assert "refund-timelines" in [c.doc_id for c in result.reply.citations]
