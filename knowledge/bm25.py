"""A small in-memory BM25 (Okapi) index over chunk texts, built with NumPy for fast queries."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from knowledge.text import STOPWORDS, tokenize

__all__ = ["STOPWORDS", "BM25Index", "tokenize"]


class BM25Index:
    """Okapi BM25 over a fixed list of texts; ``scores(query)`` gives one score per text."""

    def __init__(self, texts: list[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(texts)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(self.size, dtype=np.float32)
        for row, text in enumerate(texts):
            terms = Counter(tokenize(text))
            lengths[row] = sum(terms.values())
            for term, tf in terms.items():
                postings[term].append((row, tf))
        avg = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        # Precompute each posting's final weight: a query is then a few scatter-adds.
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # Inverse document frequency per term, for callers that weigh term overlaps (the reranker).
        self.idf: dict[str, float] = {}
        for term, plist in postings.items():
            rows = np.fromiter((r for r, _ in plist), dtype=np.int64, count=len(plist))
            freq = np.fromiter((t for _, t in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (self.size - len(plist) + 0.5) / (len(plist) + 0.5))
            self.idf[term] = idf
            self._postings[term] = (
                rows,
                (idf * freq * (k1 + 1) / (freq + norm[rows])).astype(np.float32),
            )

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(tokenize(query)):
            hit = self._postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out

    def knows(self, term: str) -> bool:
        return term in self._postings

    def max_idf_sum(self, query: str) -> float:
        """The largest score any text could reach on the query's known terms."""
        total = 0.0
        for term in set(tokenize(query)):
            hit = self._postings.get(term)
            if hit is not None:
                total += float(hit[1].max())
        return total
