"""The second-stage ranker on the sample help centre: the article a question names comes first."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.intent import article_intents, question_intents
from knowledge.text import stem, tokenize


@pytest.mark.parametrize(
    ("question", "article", "not_first"),
    [
        ("How do I cancel my subscription?", "cancel-subscription", "pause-subscription"),
        ("How do I reset my password?", "password-reset", "locked-account"),
        ("how long does a refund take?", "refund-timelines", "refunds-policy"),
    ],
)
def test_the_article_a_question_names_comes_first(
    sample_kb: KnowledgeBase, question: str, article: str, not_first: str
) -> None:
    result = sample_kb.search(question, 5)

    assert result.passages[0].doc_id == article
    assert result.passages[0].doc_id != not_first
    # Scores are the ranker's probabilities, best first.
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


def test_where_is_my_parcel_offers_tracking_first(sample_kb: KnowledgeBase) -> None:
    # A status question: the lost-parcel article (its title says "parcels") comes after tracking.
    top = [p.doc_id for p in sample_kb.search("Where is my parcel?", 5).passages]
    assert top[0] == "order-tracking" and "lost-or-damaged-parcels" in top


def test_one_stemmer_for_search_and_answers() -> None:
    assert {stem("cancelling"), stem("cancelled"), stem("cancellation")} == {stem("cancel")}
    assert stem("address") == "address"
    assert tokenize("Wi-Fi isn't working") == ["wi", "fi", "work", "wifi"]


def test_intents_of_questions_and_titles() -> None:
    assert "howto" in question_intents("How do I reset my password?")
    assert "problem" in question_intents("my camera keeps going offline")
    assert "time" in question_intents("how long does a refund take?")
    assert "howto" in article_intents("Reset your Lumora password")
    assert "problem" in article_intents("My camera shows as offline")


def test_question_titles_have_intents_too() -> None:
    assert "howto" in article_intents("How do I cancel my subscription?")
    assert "problem" in article_intents("Why is my camera offline?")
    assert "policy" in article_intents("Can I return an opened device?")
    assert "time" in article_intents("How long does delivery take?")


def test_a_one_letter_typo_finds_the_article(sample_kb: KnowledgeBase) -> None:
    top = [p.doc_id for p in sample_kb.search("how to cancle subscripton", 3).passages]
    assert top[0] == "cancel-subscription"


def test_typos_resolve_to_the_indexed_word_and_unknown_words_stay_unknown() -> None:
    from knowledge.bm25 import BM25Index

    index = BM25Index(["Cancel your subscription", "Received the wrong item"])
    assert index.resolve("cancle") == "cancel"
    assert index.resolve("subscripton") == "subscription"
    assert index.resolve("zigbee") is None
    assert index.resolve("wrong") == "wrong"
    assert index.scores("cancle")[0] > 0 and index.scores("cancle")[1] == 0
