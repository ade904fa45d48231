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

        # One-letter typos ("cancle", "subscripton", "recieved"): every term is filed under
        # itself and each of its one-letter deletions; a word that differs by one edit shares a key.
        self._near: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            if len(term) >= _TYPO_MIN and term.isalpha():
                for key in {term, *_deletions(term)}:
                    self._near[key].append(term)

    def resolve(self, term: str) -> str | None:
        """``term`` if the index holds it, else the most common indexed term one typo away
        (same first letter), else None."""
        if term in self._postings:
            return term
        if len(term) < _TYPO_MIN or not term.isalpha():
            return None
        near = {
            t
            for key in {term, *_deletions(term)}
            for t in self._near.get(key, ())
            if t[0] == term[0]
        }
        return max(near, key=lambda t: (len(self._postings[t][0]), t), default=None)

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(tokenize(query)):
            known = self.resolve(term)
            if known is not None:
                hit = self._postings[known]
                out[hit[0]] += hit[1] if known == term else hit[1] * _TYPO_WEIGHT
        return out

    def knows(self, term: str) -> bool:
        return self.resolve(term) is not None

    def max_idf_sum(self, query: str) -> float:
        """The largest score any text could reach on the query's known terms."""
        total = 0.0
        for term in set(tokenize(query)):
            known = self.resolve(term)
            if known is not None:
                total += float(self._postings[known][1].max()) * (
                    1.0 if known == term else _TYPO_WEIGHT
                )
        return total


_TYPO_MIN = 5  # shorter words have too many neighbours one letter away
_TYPO_WEIGHT = 0.8  # a corrected word counts a little less than one spelled as in the article


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
