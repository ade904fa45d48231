"""The grounded responder answers from one article: tables as facts, a pointer to the article, and a
follow-up ("I already tried that") that moves on to the article's next step or to a person."""

from __future__ import annotations

from agent.follow_up import is_follow_up
from agent.responders.base import ReplyRequest
from agent.responders.grounded import GroundedResponder
from knowledge.types import Passage, RetrievalResult

TIMELINES = Passage(
    doc_id="refund-timing",
    chunk_id="refund-timing#0",
    title="How long a refund takes",
    section="Typical timelines",
    text=(
        "| Paid with | Time to arrive |\n|---|---|\n"
        "| Credit card | 5-10 business days |\n| PayPal | 3-5 business days |"
    ),
    score=0.9,
)
OFFLINE = Passage(
    doc_id="camera-offline",
    chunk_id="camera-offline#0",
    title="My camera shows as offline",
    section="Quick checks",
    text=(
        "Work through these checks in order:\n"
        "1. Restart the camera by holding the button for 10 seconds.\n"
        "2. Move the camera closer to the router.\n\n"
        "If the camera is still offline, reset its Wi-Fi settings: hold the button for 30 seconds "
        "and pair it again in the app."
    ),
    score=0.9,
)


def _ask(question: str, passage: Passage, history: list[dict[str, str]] | None = None):
    return GroundedResponder().respond(
        ReplyRequest(
            question=question,
            retrieval=RetrievalResult(query=question, passages=[passage], confidence=0.9),
            tone="neutral",
            tone_instruction="Be calm.",
            history=history or [],
        )
    )


def test_a_table_is_read_out_as_facts_and_the_article_is_pointed_to() -> None:
    reply = _ask("how long does a refund take?", TIMELINES)

    assert "- Credit card: 5-10 business days" in reply.text
    assert "- PayPal: 3-5 business days" in reply.text
    assert "Time to arrive" not in reply.text  # the header is not read out row by row
    assert reply.text.endswith("More in [1].")
    assert [c.doc_id for c in reply.citations] == ["refund-timing"]


def test_i_already_tried_that_moves_to_the_next_step_of_the_same_article() -> None:
    first = _ask("my camera is offline", OFFLINE)
    assert "1. Restart the camera" in first.text

    history = [
        {"role": "customer", "text": "my camera is offline"},
        {"role": "bot", "text": first.text},
    ]
    # A first answer that stopped before the reset: the follow-up gives the reset.
    shorter = first.text.split("If the camera is still offline")[0]
    history[1]["text"] = shorter
    again = _ask("I already tried that twice", OFFLINE, history)

    assert again.grounded
    assert "reset its Wi-Fi settings" in again.text
    assert "1. Restart the camera" not in again.text
    assert [c.doc_id for c in again.citations] == ["camera-offline"]


def test_when_the_article_has_nothing_more_a_person_is_offered() -> None:
    first = _ask("my camera is offline", OFFLINE)
    history = [
        {"role": "customer", "text": "my camera is offline"},
        {"role": "bot", "text": first.text},
    ]
    again = _ask("that didn't work", OFFLINE, history)

    assert not again.grounded
    assert "person from our support team" in again.text
    assert "1. Restart the camera" not in again.text


def test_follow_ups_are_told_from_new_questions() -> None:
    assert is_follow_up("I already tried that twice")
    assert is_follow_up("that didn't work")
    assert is_follow_up("still not working")
    assert not is_follow_up("how do I reset my password?")
    assert not is_follow_up("I tried to cancel my plan but the button is missing, what now?")


def test_steps_under_a_condition_say_the_condition() -> None:
    passage = Passage(
        doc_id="lost-phone",
        chunk_id="lost-phone#2",
        title="Lost your phone",
        section="Lost phone > If you have no backup codes",
        text=(
            "You will need to verify your identity:\n"
            "1. On the code screen, choose I can't access my phone.\n"
            "2. Fill in the form we email you."
        ),
        score=0.9,
    )
    reply = _ask("I lost my phone, how do I sign in", passage)

    assert "If you have no backup codes: you will need to verify your identity:" in reply.text
    assert "1. On the code screen" in reply.text


def test_a_list_that_opens_its_section_is_introduced_by_the_heading() -> None:
    passage = Passage(
        doc_id="after-cancel",
        chunk_id="after-cancel#3",
        title="Your data after cancelling",
        section="What is kept",
        text="- Your account and devices.\n- Invoices and order history.",
        score=0.9,
    )
    reply = _ask("what do you keep if I cancel", passage)

    assert reply.text.startswith("What is kept:\n- Your account and devices.")


def test_a_message_that_leans_on_the_conversation_is_searched_with_it() -> None:
    from agent.follow_up import search_text_in_context

    transcript = [
        {"role": "customer", "text": "My parcel is a day late"},
        {"role": "bot", "text": "Parcels take 3-5 days.", "citations": [{"doc_id": "delivery"}]},
    ]
    # "where is it?" is about the parcel; "I already tried that" repeats the answered question.
    assert search_text_in_context("How can I see where it is?", transcript) == (
        "My parcel is a day late How can I see where it is?"
    )
    assert search_text_in_context("I already tried that", transcript) == "My parcel is a day late"
    # A question with its own topic is searched on its own.
    assert search_text_in_context("How do I reset my password?", transcript) == (
        "How do I reset my password?"
    )


def test_a_list_whose_intro_leans_on_the_sentence_before_is_introduced_by_its_heading() -> None:
    tracking = Passage(
        doc_id="order-tracking",
        chunk_id="order-tracking#1",
        title="Track your order",
        section="Track your order > Getting your tracking number",
        text=(
            "When your parcel leaves the warehouse, we email you the tracking number. "
            "You can also find it any time:\n\n"
            "1. Go to Account > Orders.\n"
            "2. Select the order. The tracking link appears under each parcel."
        ),
        score=0.9,
    )
    reply = _ask("where do I find my tracking number?", tracking)

    assert "1. Go to Account > Orders." in reply.text
    assert "You can also find it" not in reply.text
    assert "Getting your tracking number:\n1. Go to Account > Orders." in reply.text
