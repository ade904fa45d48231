"""Second-stage ranking of the top articles: a small linear model over what support content offers.

The first stage (dense + BM25 chunks fused by RRF) finds the right neighbourhood; this stage picks
the article within it, using the article's title and headings (a question that names an article's
title should get that article), and whether the article is the kind of answer the question wants
(steps, a fix, a time, a price, a rule). The weights are fitted by ``python -m evals.fit_rerank``
on the retrieval set's dev split and stored in ``rerank.json``; scoring is a dot product.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.intent import article_intents, asks_status_only, ranking_intents
from knowledge.text import (
    GENERIC_TERMS,
    STOPWORDS,
    content_terms,
    phrase_terms,
    same_as,
    stem,
    with_synonyms,
    words,
)

WEIGHTS = Path(__file__).with_name("rerank.json")
_ALTERNATIVE = re.compile(r"\s+(?:instead of|rather than|without|vs\.?|versus)\s+", re.IGNORECASE)
FEATURES = (
    "dense_rr",  # 1 / (1 + the article's rank in the dense ranking)
    "bm25_rr",  # 1 / (1 + its rank in the BM25 ranking)
    "dense_gap",  # best cosine of the first-ranked article minus this article's best cosine
    "bm25_ratio",  # its best BM25 score over the best of any article
    "title_query",  # share of the question's (idf-weighted) terms found in the title
    "title_cover",  # share of the title's (idf-weighted) terms found in the question
    "title_head",  # the title's first topic word is in the question ("Reset ...", "Cancel ...")
    "heading_query",  # share of the question's terms found in the article's headings
    "intent_match",  # the article is the kind of answer the question asks for
    "intent_clash",  # both have a kind and they differ
    "chunk_hits",  # how many of its chunks the first stage ranked high (a third each, up to 1)
    "lead_cos",  # cosine of the question and the article's opening chunk (its title and lead)
    "problem_unasked",  # a problem article ("Lost parcels") for a question that reports none
    "status_problem",  # ... and the question asks where something is ("where is my parcel")
)


@dataclass(frozen=True)
class ArticleProfile:
    """What the reranker knows of one article: its title's and headings' terms and kinds."""

    title_terms: frozenset[str]
    title_head: str | None
    heading_terms: frozenset[str]
    intents: frozenset[str]

    @classmethod
    def build(cls, title: str, sections: list[str]) -> ArticleProfile:
        # "Pause your subscription instead of cancelling" is about pausing: what it is weighed
        # against names another article's topic, not this one's.
        title = _ALTERNATIVE.split(title, maxsplit=1)[0]
        ordered = [stem(w) for w in words(title) if w not in STOPWORDS]
        headings: set[str] = set()
        for section in sections:
            headings |= content_terms(section)
        return cls(
            title_terms=content_terms(title),
            title_head=ordered[0] if ordered else None,
            heading_terms=frozenset(headings),
            intents=article_intents(title),
        )


@dataclass(frozen=True)
class Candidate:
    """One article's standing after the first stage."""

    doc_id: str
    dense_rank: int | None  # 0-based among articles, None when the dense side missed it
    bm25_rank: int | None
    best_cos: float
    best_bm25: float
    chunk_hits: int


def candidates(
    dense: list[tuple[str, float]],
    bm25: list[tuple[str, float]],
    fused_top: list[tuple[str, float]],
) -> list[Candidate]:
    """Articles of the first stage's rankings (doc id, score per chunk, best first), in order of
    first appearance; ``fused_top`` is the top of the fused chunk ranking."""
    dense_rank: dict[str, int] = {}
    best_cos: dict[str, float] = {}
    for doc, cos in dense:
        dense_rank.setdefault(doc, len(dense_rank))
        best_cos.setdefault(doc, cos)
    bm25_rank: dict[str, int] = {}
    best_bm25: dict[str, float] = {}
    for doc, score in bm25:
        bm25_rank.setdefault(doc, len(bm25_rank))
        best_bm25.setdefault(doc, score)
    hits: dict[str, int] = {}
    for doc, _ in fused_top:
        hits[doc] = hits.get(doc, 0) + 1
    # An article only BM25 found gets the lowest cosine the dense side returned.
    floor = min(best_cos.values(), default=0.0)
    return [
        Candidate(
            doc_id=doc,
            dense_rank=dense_rank.get(doc),
            bm25_rank=bm25_rank.get(doc),
            best_cos=best_cos.get(doc, floor),
            best_bm25=best_bm25.get(doc, 0.0),
            chunk_hits=hits.get(doc, 0),
        )
        for doc in dict.fromkeys([*dense_rank, *bm25_rank])
    ]


def features(
    question: str,
    candidates: list[Candidate],
    profiles: dict[str, ArticleProfile],
    idf: dict[str, float],
    lead_cos: dict[str, float] | None = None,
    resolve: Callable[[str], str | None] | None = None,
) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate; ``resolve`` spells a question's term as the
    articles do (a typo to the indexed word), when it can."""
    terms = content_terms(question)
    if resolve is not None:
        terms = frozenset(resolve(t) or t for t in terms)
    # The question's words and the tasks its phrasing names ("set up", "do you take"); each may
    # meet a title through a word that means the same in support ("parcel" and "order").
    asked = terms | phrase_terms(question)
    weight = {t: idf.get(t) or max(idf.get(s, 0.0) for s in same_as(t)) for t in asked}
    expanded = with_synonyms(asked)
    wanted = ranking_intents(question)
    status_only = asks_status_only(question)
    total = sum(weight.values()) or 1.0
    top_cos = max((c.best_cos for c in candidates), default=0.0)
    top_bm25 = max((c.best_bm25 for c in candidates), default=0.0) or 1.0
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float64)
    for i, c in enumerate(candidates):
        p = profiles[c.doc_id]
        title_total = sum(idf.get(t, 0.0) for t in p.title_terms) or 1.0
        in_title = sum(w for t, w in weight.items() if same_as(t) & p.title_terms)
        in_headings = sum(w for t, w in weight.items() if same_as(t) & p.heading_terms)
        in_cover = sum(idf.get(t, 0.0) for t in expanded & p.title_terms)
        problem = "problem" in p.intents
        if status_only and problem:
            # "Where is my parcel?" names what "Lost, stolen or damaged parcels" is about, but asks
            # for its whereabouts, not for help with a loss: the title match does not count.
            in_title = in_headings = in_cover = 0.0
        elif _only_generic(weight, p.title_terms):
            in_title = in_cover = 0.0
        rows[i] = (
            0.0 if c.dense_rank is None else 1.0 / (1 + c.dense_rank),
            0.0 if c.bm25_rank is None else 1.0 / (1 + c.bm25_rank),
            top_cos - c.best_cos,
            c.best_bm25 / top_bm25,
            min(1.0, in_title / total),
            in_cover / title_total,
            float(p.title_head is not None and p.title_head in expanded),
            min(1.0, in_headings / total),
            float(bool(wanted & p.intents)),
            float(bool(wanted) and bool(p.intents) and not wanted & p.intents),
            min(1.0, c.chunk_hits / 3),
            (lead_cos or {}).get(c.doc_id, c.best_cos),
            float(problem and "problem" not in wanted),
            float(problem and status_only),
        )
    return rows


def _only_generic(asked: dict[str, float], title: frozenset[str]) -> bool:
    """The title meets the question only through a generic word ("hub" and "a device")."""
    hits = [same_as(t) & title for t in asked if same_as(t) & title]
    return bool(hits) and all(not hit - GENERIC_TERMS for hit in hits) and not set(asked) & title


def unit_rows(vectors: object) -> np.ndarray:
    """The vectors as rows of length 1 (the articles' opening chunks, read from the store)."""
    matrix = np.asarray(vectors, dtype=np.float32)
    return np.asarray(matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9))


def lead_cosines(leads: np.ndarray, row: dict[str, int], vector: np.ndarray) -> dict[str, float]:
    """Cosine of the question's vector with each article's opening chunk, by doc id."""
    if not row:
        return {}
    query = np.asarray(vector, dtype=np.float32)
    cos = leads @ (query / max(float(np.linalg.norm(query)), 1e-9))
    return {doc: float(cos[i]) for doc, i in row.items()}


@dataclass(frozen=True)
class Reranker:
    """``score = weights · features``; the order of articles is the order of their scores."""

    weights: np.ndarray

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return rows @ self.weights if len(rows) else np.zeros(0)

    @staticmethod
    def probabilities(scores: np.ndarray) -> np.ndarray:
        """Softmax over the candidates: how sure the ranker is of each article, summing to 1."""
        if not len(scores):
            return scores
        shifted = np.exp(scores - scores.max())
        return np.asarray(shifted / shifted.sum(), dtype=np.float64)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": dict(zip(FEATURES, self.weights.tolist(), strict=True)),
        }

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Reranker:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = data["weights"]
        missing = [name for name in FEATURES if name not in weights]
        if missing:
            raise ValueError(f"{path}: no weight for {', '.join(missing)}")
        return cls(np.array([float(weights[name]) for name in FEATURES]))
