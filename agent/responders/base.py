"""What every responder takes and gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from knowledge.types import RetrievalResult


@dataclass(frozen=True)
class Citation:
    doc_id: str
    chunk_id: str
    title: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReplyRequest:
    """One reply to write."""

    question: str  # the customer's latest message
    retrieval: RetrievalResult
    tone: str  # tone id
    tone_instruction: str
    acknowledgement: str | None = None  # opening line for a frustrated customer, used at most once
    history: list[dict[str, str]] = field(default_factory=list)  # [{role, text}], oldest first
    notes: list[str] = field(default_factory=list)  # e.g. what a human stretch settled


@dataclass(frozen=True)
class Reply:
    text: str
    citations: list[Citation]
    grounded: bool  # True when the answer rests on retrieved passages
    responder: str  # "grounded" | "llm"
    fallback_reason: str | None = None  # set when the LLM failed and the grounded one answered

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        values = dict(data)
        values["citations"] = [Citation(**c) for c in values.get("citations", [])]
        return cls(**values)


TokenSink = Callable[[str], None]


class Responder(Protocol):
    name: str

    def respond(self, request: ReplyRequest, on_token: TokenSink | None = None) -> Reply:
        """Write the reply; call ``on_token`` with each text delta as it is produced."""
        ...
