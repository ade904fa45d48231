"""A small in-memory BM25 (Okapi) index over chunk texts, built with NumPy for fast queries."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "there",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "i'm",
        "im",
        "it's",
        "dont",
        "don't",
        "cant",
        "can't",
        "there's",
        "get",
        "got",
        "have",
        "has",
        "had",
        "just",
        "not",
        "no",
    ]
)


def _stem(word: str) -> str:
    # A light suffix strip: enough to match "refunds"/"refund", "charged"/"charge", no library.
    for suffix in ("ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokenize(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


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
        for term, plist in postings.items():
            rows = np.fromiter((r for r, _ in plist), dtype=np.int64, count=len(plist))
            freq = np.fromiter((t for _, t in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (self.size - len(plist) + 0.5) / (len(plist) + 0.5))
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
