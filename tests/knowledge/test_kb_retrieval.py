"""Hybrid retrieval on the sample help centre: quality floors, fusion and calibrated confidence."""

from __future__ import annotations

import pytest

from evals.retrieval import load_cases, score_all
from knowledge import KnowledgeBase
from knowledge.bm25 import BM25Index, tokenize
from knowledge.fusion import reciprocal_rank_fusion
from knowledge.types import RetrievalResult

# Measured 2026-11 on the full retrieval set (dev+test, 183 answerable): hybrid hit@5 0.93,
# MRR 0.79; dense 0.90 / 0.75; bm25 0.84 / 0.68. The floor sits a few points below.
HYBRID_HIT5_FLOOR = 0.88


@pytest.fixture(scope="module")
def scores(sample_kb: KnowledgeBase) -> dict[str, dict[str, float]]:
    return score_all(sample_kb, load_cases())


def test_hybrid_meets_the_hit_at_5_floor(scores: dict[str, dict[str, float]]) -> None:
    assert scores["hybrid"]["n"] >= 150
    assert scores["hybrid"]["hit@5"] >= HYBRID_HIT5_FLOOR


def test_hybrid_beats_each_ranker_alone(scores: dict[str, dict[str, float]]) -> None:
    for single in ("bm25", "dense"):
        assert scores["hybrid"]["hit@5"] > scores[single]["hit@5"], single
        assert scores["hybrid"]["mrr"] > scores[single]["mrr"], single


def test_unanswerable_questions_come_out_below_the_threshold(sample_kb: KnowledgeBase) -> None:
    cases = load_cases()
    unanswerable = [sample_kb.search(c.query) for c in cases if not c.answerable]
    correct = []  # answerable questions whose top passage is gold: these should be trusted
    for case in cases:
        result = sample_kb.search(case.query)
        if case.answerable and result.passages and result.passages[0].doc_id in case.gold:
            correct.append(result)
    assert len(unanswerable) >= 15 and len(correct) >= 100
    # Measured: 85 % of unanswerable below the fitted threshold, 73 % of correct answers above it.
    assert sum(not r.answerable for r in unanswerable) / len(unanswerable) >= 0.8
    assert sum(r.answerable for r in correct) / len(correct) >= 0.65
    mean = lambda rs: sum(r.confidence for r in rs) / len(rs)  # noqa: E731
    assert mean(correct) - mean(unanswerable) >= 0.25
    off_topic = sample_kb.search("what is the weather in Lisbon tomorrow")
    assert 0.0 <= off_topic.confidence < off_topic.answerable_threshold


def test_results_are_one_passage_per_document_best_first(sample_kb: KnowledgeBase) -> None:
    result = sample_kb.search("my camera keeps going offline", k=5)
    doc_ids = [p.doc_id for p in result.passages]
    assert len(doc_ids) == 5 == len(set(doc_ids))
    assert doc_ids[0] == "camera-offline"
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)
    assert result.answerable


def test_empty_query_returns_nothing(sample_kb: KnowledgeBase) -> None:
    result = sample_kb.search("   ")
    assert result.passages == [] and result.confidence == 0.0 and not result.answerable


def test_rrf_rewards_agreement_between_rankers() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "b", "d"]], k=60)
    order = [item for item, _ in fused]
    # c (1st + 3rd) edges out b (2nd + 2nd); both beat a and d, which one ranker alone found.
    assert order == ["c", "b", "a", "d"]
    assert dict(fused)["b"] == pytest.approx(2 / 62)


def test_rrf_with_one_empty_ranking_keeps_the_other_order() -> None:
    fused = reciprocal_rank_fusion([["x", "y", "z"], []])
    assert [item for item, _ in fused] == ["x", "y", "z"]


def test_bm25_prefers_rare_matching_terms() -> None:
    index = BM25Index(
        [
            "refund for a device",
            "refund for a subscription plan",
            "device warranty claim",
            "chargeback dispute",
        ]
    )
    scores = index.scores("subscription refunds")
    assert int(scores.argmax()) == 1
    assert scores[3] == 0.0
    assert tokenize("Refunds, charged!") == ["refund", "charg"]


def test_more_of_the_top_article_comes_beside_the_ranking(sample_kb: KnowledgeBase) -> None:
    result = sample_kb.search("how long does the outdoor camera battery last", k=5)
    top = result.passages[0]

    # The ranking keeps one passage per article; the extra chunks are only the top article's.
    assert len({p.doc_id for p in result.passages}) == len(result.passages)
    assert result.supporting and all(p.doc_id == top.doc_id for p in result.supporting)
    ids = [p.chunk_id for p in result.supporting]
    assert top.chunk_id not in ids and len(ids) == len(set(ids)) <= 6
    # The article's opening chunk, which usually states its main fact, is always among them.
    assert f"{top.doc_id}#0" in ids or top.chunk_id == f"{top.doc_id}#0"
    assert all(p.text for p in result.supporting)
    assert RetrievalResult.from_dict(result.to_dict()) == result


def test_a_precomputed_query_vector_gives_the_same_answer(sample_kb: KnowledgeBase) -> None:
    query = "my camera keeps going offline"
    vector = sample_kb.embedder.embed([query])[0]
    given = sample_kb.search(query, k=5, query_vector=vector)
    embedded = sample_kb.search(query, k=5)
    assert [p.doc_id for p in given.passages] == [p.doc_id for p in embedded.passages]
    assert given.passages[0].doc_id == "camera-offline"
    assert given.confidence == embedded.confidence
