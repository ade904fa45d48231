"""Hybrid retrieval: Chroma (dense) and BM25 rankings fused by RRF, with a calibrated confidence."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from chromadb.api.models.Collection import Collection

from knowledge import rerank as second_stage
from knowledge.bm25 import BM25Index, tokenize
from knowledge.confidence import ConfidenceModel
from knowledge.embeddings import Embedder
from knowledge.fusion import reciprocal_rank_fusion
from knowledge.query import search_text
from knowledge.rerank import ArticleProfile, Reranker
from knowledge.types import Passage, RetrievalResult

# "hybrid" is the fused ranking reranked by article; "fused" stops before the rerank (for evals).
Mode = Literal["hybrid", "fused", "dense", "bm25"]


@dataclass
class Ranking:
    """Both rankings of one query (chunk id, score; best first) and the confidence features."""

    dense: list[tuple[str, float]]
    bm25: list[tuple[str, float]]
    features: dict[str, float] = field(default_factory=dict)
    # Articles after the second stage: (doc_id, probability), best first.
    articles: list[tuple[str, float]] = field(default_factory=list)
    # The reranker's input, kept for fitting it (evals/fit_rerank.py): candidates and feature rows.
    candidates: list[str] = field(default_factory=list)
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, len(second_stage.FEATURES))))


@dataclass
class _Corpus:
    ids: list[str]
    row: dict[str, int]
    texts: list[str]
    metas: list[dict[str, object]]
    bm25: BM25Index
    profiles: dict[str, ArticleProfile]
    # Unit vectors of each article's opening chunk (title and lead), one row per article.
    leads: np.ndarray
    lead_row: dict[str, int]


class HybridRetriever:
    """Searches one collection; the BM25 side is rebuilt from the collection when it changes."""

    def __init__(
        self,
        collection: Collection,
        embedder: Embedder,
        *,
        confidence: ConfidenceModel,
        reranker: Reranker | None = None,
        candidates: int = 30,
        rrf_k: int = 60,
        supporting_chunks: int = 6,
    ) -> None:
        self.collection = collection
        self.embedder = embedder
        self.confidence = confidence
        self.reranker = reranker or Reranker.load()
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.supporting_chunks = supporting_chunks
        self._corpus: _Corpus | None = None
        self._seen_count = -1
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Called after an ingest: the next search rebuilds the BM25 index."""
        with self._lock:
            self._corpus = None

    def _current(self) -> _Corpus:
        # Comparing counts catches documents added or removed by another process on the same store.
        count = self.collection.count()
        with self._lock:
            if self._corpus is None or count != self._seen_count:
                self._corpus = self._load()
                self._seen_count = count
            return self._corpus

    def _load(self) -> _Corpus:
        got = self.collection.get(include=["documents", "metadatas"])
        ids = list(got["ids"])
        docs = [d or "" for d in (got["documents"] or [])]
        metas: list[dict[str, object]] = [dict(m or {}) for m in (got["metadatas"] or [])]
        texts = [
            f"{m.get('title', '')} {m.get('section', '')}\n{d}"
            for d, m in zip(docs, metas, strict=True)
        ]
        sections: dict[str, tuple[str, list[str]]] = {}
        for meta in metas:
            title, heads = sections.setdefault(
                str(meta.get("doc_id")), (str(meta.get("title", "")), [])
            )
            heads.append(str(meta.get("section", "")))
        profiles = {
            doc: ArticleProfile.build(title, heads) for doc, (title, heads) in sections.items()
        }
        row = {cid: i for i, cid in enumerate(ids)}
        leads, lead_row = self._leads([f"{doc}#0" for doc in profiles if f"{doc}#0" in row])
        return _Corpus(ids, row, docs, metas, BM25Index(texts), profiles, leads, lead_row)

    def _leads(self, lead_ids: list[str]) -> tuple[np.ndarray, dict[str, int]]:
        got = self.collection.get(ids=lead_ids, include=["embeddings"]) if lead_ids else None
        if got is None or got["embeddings"] is None or not len(got["ids"]):
            return np.zeros((0, 1), dtype=np.float32), {}
        return second_stage.unit_rows(got["embeddings"]), {
            c.rpartition("#")[0]: i for i, c in enumerate(got["ids"])
        }

    def rank(self, query: str, *, query_vector: np.ndarray | None = None) -> Ranking:
        corpus = self._current()
        if not corpus.ids or not query.strip():
            return Ranking([], [], {})
        n = min(self.candidates, len(corpus.ids))
        # A caller that already embedded the message (e.g. for sentiment) passes it, saving a pass.
        vector = self.embedder.embed([query])[0] if query_vector is None else query_vector
        found = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=n, include=["distances"]
        )
        # Chroma's cosine distance is 1 - cosine similarity.
        distances = (found["distances"] or [[]])[0]
        dense = [
            (cid, 1.0 - float(d))
            for cid, d in zip(found["ids"][0], distances, strict=True)
            if cid in corpus.row  # skip a chunk added by another process since the index was built
        ]
        scores = corpus.bm25.scores(query)
        top = np.argsort(-scores, kind="stable")[:n]
        bm25 = [(corpus.ids[i], float(scores[i])) for i in top if scores[i] > 0]
        ranking = Ranking(dense, bm25)
        ranking.articles = self._rerank(query, ranking, corpus, vector)
        ranking.features = self._features(query, ranking, corpus)
        return ranking

    def _rerank(
        self, query: str, ranking: Ranking, corpus: _Corpus, vector: np.ndarray
    ) -> list[tuple[str, float]]:
        """Every article the first stage found, ordered by the second-stage model."""

        def docs(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
            return [(str(corpus.metas[corpus.row[cid]].get("doc_id")), s) for cid, s in pairs]

        found = second_stage.candidates(
            docs(ranking.dense), docs(ranking.bm25), docs(self._fuse(ranking)[:10])
        )
        lead_cos = second_stage.lead_cosines(corpus.leads, corpus.lead_row, vector)
        ranking.rows = second_stage.features(
            query, found, corpus.profiles, corpus.bm25.idf, lead_cos, corpus.bm25.resolve
        )
        ranking.candidates = [c.doc_id for c in found]
        probability = Reranker.probabilities(self.reranker.scores(ranking.rows))
        order = np.argsort(-probability, kind="stable")
        return [(found[i].doc_id, float(probability[i])) for i in order]

    def _features(self, query: str, ranking: Ranking, corpus: _Corpus) -> dict[str, float]:
        def doc(cid: str) -> object:
            return corpus.metas[corpus.row[cid]].get("doc_id")

        dense_docs: list[object] = []
        dense_best: list[float] = []
        for cid, cos in ranking.dense:
            if doc(cid) not in dense_docs:
                dense_docs.append(doc(cid))
                dense_best.append(cos)
        top_doc = ranking.articles[0][0] if ranking.articles else None
        chances = [p for _, p in ranking.articles] + [0.0, 0.0]
        terms = set(tokenize(query))
        known = [t for t in terms if corpus.bm25.knows(t)]
        ceiling = corpus.bm25.max_idf_sum(query)
        return {
            "top_cos": dense_best[0] if dense_best else 0.0,
            "cos_margin": dense_best[0] - dense_best[1] if len(dense_best) > 1 else 0.0,
            "bm25_strength": ranking.bm25[0][1] / ceiling if ranking.bm25 and ceiling else 0.0,
            "term_coverage": len(known) / len(terms) if terms else 0.0,
            "agree_top1": float(
                bool(ranking.bm25) and bool(dense_docs) and doc(ranking.bm25[0][0]) == dense_docs[0]
            ),
            "dense_rank_of_top": 1.0 / (1 + dense_docs.index(top_doc))
            if top_doc in dense_docs
            else 0.0,
            "rerank_top": chances[0],
            # How much of the question the first article's title says, synonyms included.
            "top_title": _title_share(ranking, top_doc),
            "rerank_margin": chances[0] - chances[1],
        }

    def _fuse(self, ranking: Ranking) -> list[tuple[str, float]]:
        return reciprocal_rank_fusion(
            [[cid for cid, _ in ranking.dense], [cid for cid, _ in ranking.bm25]], k=self.rrf_k
        )

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
    ) -> RetrievalResult:
        """Top ``k`` passages; ``query_vector`` is the embedder's vector of ``query`` if known."""
        ranking = self.rank(search_text(query), query_vector=query_vector)
        if mode == "dense":
            ordered = ranking.dense
        elif mode == "bm25":
            ordered = ranking.bm25
        elif mode == "fused":
            ordered = self._fuse(ranking)
        else:
            ordered = self._by_article(ranking)
        passages = self._passages(ordered, k)
        supporting = self._supporting(ordered, passages)
        confidence = self.confidence.probability(ranking.features) if passages else 0.0
        return RetrievalResult(
            query=query,
            passages=passages,
            confidence=round(confidence, 4),
            answerable_threshold=self.confidence.threshold,
            tentative_threshold=self.confidence.tentative_threshold,
            supporting=supporting,
        )

    def _by_article(self, ranking: Ranking) -> list[tuple[str, float]]:
        """The fused chunks regrouped in the reranked order of their articles; a chunk's score is
        its article's probability."""
        corpus = self._corpus
        if corpus is None:
            return []
        chance = dict(ranking.articles)
        place = {doc: i for i, (doc, _) in enumerate(ranking.articles)}
        fused = self._fuse(ranking)
        keyed = []
        for order, (cid, _) in enumerate(fused):
            doc = str(corpus.metas[corpus.row[cid]].get("doc_id"))
            keyed.append((place.get(doc, len(place)), order, cid, chance.get(doc, 0.0)))
        return [(cid, score) for _, _, cid, score in sorted(keyed)]

    def _passages(self, ordered: list[tuple[str, float]], k: int) -> list[Passage]:
        corpus = self._corpus
        if corpus is None:
            return []
        # One passage per document: k chunks of the same article would crowd out the alternatives.
        seen: set[object] = set()
        out: list[Passage] = []
        for cid, score in ordered:
            doc_id = corpus.metas[corpus.row[cid]].get("doc_id")
            if doc_id in seen:
                continue
            seen.add(doc_id)
            out.append(self._passage(corpus, cid, score))
            if len(out) == k:
                break
        return out

    def _supporting(self, ordered: list[tuple[str, float]], top: list[Passage]) -> list[Passage]:
        """The top article's two next best chunks, then the rest of it in reading order (its
        opening chunk first), up to ``supporting_chunks`` in all.

        The best chunk of the best article often holds the question's words but not the answer:
        the fact sits in the next section, or in the article's lead ("free for 30 days"); and an
        answer is written from the article, not only from the chunks that happened to rank.
        """
        corpus = self._corpus
        if corpus is None or not top:
            return []
        best = top[0]
        out: list[Passage] = []
        for cid, score in ordered:
            if len(out) >= 2:
                break
            if cid != best.chunk_id and corpus.metas[corpus.row[cid]].get("doc_id") == best.doc_id:
                out.append(self._passage(corpus, cid, score))
        index = 0  # chunk ids are ``doc_id#index`` in reading order
        while len(out) < self.supporting_chunks and f"{best.doc_id}#{index}" in corpus.row:
            cid = f"{best.doc_id}#{index}"
            if cid != best.chunk_id and all(p.chunk_id != cid for p in out):
                out.append(self._passage(corpus, cid, 0.0))
            index += 1
        return out

    @staticmethod
    def _passage(corpus: _Corpus, cid: str, score: float) -> Passage:
        meta = corpus.metas[corpus.row[cid]]
        return Passage(
            doc_id=str(meta.get("doc_id")),
            chunk_id=cid,
            title=str(meta.get("title", "")),
            section=str(meta.get("section", "")),
            text=corpus.texts[corpus.row[cid]],
            score=round(float(score), 6),
            url=str(meta["url"]) if meta.get("url") else None,
        )


def _title_share(ranking: Ranking, doc: object) -> float:
    if doc not in ranking.candidates:
        return 0.0
    row = ranking.rows[ranking.candidates.index(str(doc))]
    return float(row[second_stage.FEATURES.index("title_query")])
