"""The values that cross the knowledge-base boundary: documents in, passages out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Document:
    """One help-centre article as ingested."""

    doc_id: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None  # path or "file.jsonl:line", for error messages


@dataclass(frozen=True)
class Chunk:
    """A heading-aware piece of a document; ``chunk_id`` is stable across re-ingests."""

    chunk_id: str  # f"{doc_id}#{index}" -- derived from the document id and the chunk's place
    doc_id: str
    title: str
    section: str
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk with its fused score."""

    doc_id: str
    chunk_id: str
    title: str
    section: str
    text: str
    score: float
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RetrievalResult:
    """What the retriever found for one query.

    ``confidence`` is calibrated in [0, 1]: the estimated probability that the best passage answers
    the query. Three bands: at or above ``answerable_threshold`` the knowledge base answers; between
    ``tentative_threshold`` and that, the best passage probably helps and the reply says it is not
    certain; below ``tentative_threshold`` the knowledge base does not answer this.
    """

    query: str
    passages: list[Passage] = field(default_factory=list)
    confidence: float = 0.0
    answerable_threshold: float = 0.5
    tentative_threshold: float = 0.4
    # More chunks of the top article (its next best and its opening chunk), beside ``passages``
    # rather than in them, so the ranking stays one passage per article.
    supporting: list[Passage] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return bool(self.passages) and self.confidence >= self.answerable_threshold

    @property
    def tentative(self) -> bool:
        """Worth offering with a caveat: not confidently answerable, but not out of reach."""
        return (
            bool(self.passages)
            and not self.answerable
            and self.confidence >= min(self.tentative_threshold, self.answerable_threshold)
        )

    @property
    def usable(self) -> bool:
        """The bot has something grounded to say (confidently or tentatively)."""
        return self.answerable or self.tentative

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "passages": [p.to_dict() for p in self.passages],
            "confidence": self.confidence,
            "answerable_threshold": self.answerable_threshold,
            "tentative_threshold": self.tentative_threshold,
            "supporting": [p.to_dict() for p in self.supporting],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RetrievalResult:
        return cls(
            query=data["query"],
            passages=[Passage(**p) for p in data.get("passages", [])],
            confidence=float(data.get("confidence", 0.0)),
            answerable_threshold=float(data.get("answerable_threshold", 0.5)),
            tentative_threshold=float(data.get("tentative_threshold", 0.4)),
            supporting=[Passage(**p) for p in data.get("supporting", [])],
        )


class Retriever(Protocol):
    """Anything that answers a query with ranked passages (the hybrid retriever, a test double)."""

    def search(self, query: str, k: int = 5) -> RetrievalResult: ...
