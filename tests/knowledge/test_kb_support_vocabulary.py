"""Support wording the ranker must understand: set-up tasks, status vs problem, payment methods."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.intent import asks_status_only, ranking_intents
from knowledge.text import phrase_terms, same_as, stem


@pytest.mark.parametrize(
    ("question", "article"),
    [
        # Set up / install / pair / connect are one task; the title says "a device".
        ("How do I set up my camera?", "wifi-pairing"),
        ("setting up the hub for the first time", "wifi-pairing"),
        ("how do I install my new hub", "wifi-pairing"),
        # Where is my X asks for tracking; a problem article wins only for a reported problem.
        ("Where is my parcel?", "order-tracking"),
        ("has my package shipped yet", "order-tracking"),
        ("my parcel never arrived", "lost-or-damaged-parcels"),
        # "Do you take X" asks which payment methods are accepted.
        ("do you take apple pay?", "payment-methods"),
        ("can I pay with google pay", "payment-methods"),
    ],
)
def test_support_wording_finds_the_article(
    sample_kb: KnowledgeBase, question: str, article: str
) -> None:
    assert sample_kb.search(question, 5).passages[0].doc_id == article


@pytest.mark.parametrize(
    "question",
    [
        "How do I set up my camera?",
        "my card expired, how do i put a new one on the account",
        "got a new debit card, how do I add the new one to my account",
    ],
)
def test_a_plainly_answered_how_to_is_answered_not_declined(
    sample_kb: KnowledgeBase, question: str
) -> None:
    result = sample_kb.search(question, 5)

    assert result.passages[0].doc_id in {"wifi-pairing", "payment-methods"}
    assert result.confidence >= result.tentative_threshold


def test_status_questions_are_not_problem_reports() -> None:
    for question in ("where's my order?", "when will my parcel arrive", "is it on its way yet"):
        assert asks_status_only(question), question
    for question in ("my parcel never arrived", "tracking says delivered but it isn't here"):
        assert not asks_status_only(question), question
        assert "problem" in ranking_intents(question) and "status" not in ranking_intents(question)


def test_task_phrases_and_synonyms() -> None:
    assert stem("setup") in phrase_terms("how do I set it up")
    assert stem("setup") in phrase_terms("getting started with the hub")
    assert stem("accept") in phrase_terms("do you take cash?")
    assert phrase_terms("how long does a refund take") == frozenset()
    assert stem("pair") in same_as(stem("install")) and stem("order") in same_as(stem("parcel"))
    # One way: a camera is a device, but "device" does not mean every camera.
    assert stem("device") in same_as(stem("camera"))
    assert stem("camera") not in same_as(stem("device"))
