"""Embed once: the customer message's sentence vector, shared by the sentiment reader and retrieval.

The reader's joint head reads the same MiniLM vector that dense retrieval searches with. Both nodes
run in one superstep, so the vector is memoised here rather than computed in a node before them:
whichever node asks first computes it, the other waits for that result (it needs the vector before
it can do anything else anyway), and no vector is written into the checkpointed state
(docs/architecture.md, "The data path of one customer turn").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from knowledge import Embedder
from knowledge.query import search_text
from knowledge.types import RetrievalResult


class MessageEncoder(Protocol):
    """Turns customer messages into L2-normalised float32 sentence vectors, one row per message."""

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorSearch(Protocol):
    """A knowledge base that accepts the vector of its query, when the caller already has it."""

    def search(
        self, query: str, k: int = 5, *, query_vector: np.ndarray | None = None
    ) -> RetrievalResult: ...


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class SharedMessageVectors:
    """A ``MessageEncoder`` that computes each message's vector once for every part that asks.

    Concurrent callers asking for the same message share one computation; the last ``size``
    messages stay memoised (a turn's two readers ask within milliseconds of each other).
    """

    def __init__(self, encoder: MessageEncoder, *, size: int = 64) -> None:
        self.encoder = encoder
        self.size = size
        self._lock = threading.Lock()
        self._known: OrderedDict[str, _Pending] = OrderedDict()

    @property
    def name(self) -> str:
        return self.encoder.name

    def vector(self, text: str) -> np.ndarray:
        with self._lock:
            pending = self._known.get(text)
            owner = pending is None
            if pending is None:
                pending = self._known[text] = _Pending()
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
            else:
                self._known.move_to_end(text)
        if owner:
            try:
                pending.vector = np.asarray(self.encoder.encode([text])[0], dtype=np.float32)
            except BaseException as exc:
                pending.error = exc
                with self._lock:  # a failed vector is not memoised: the next turn tries again
                    if self._known.get(text) is pending:
                        del self._known[text]
                raise
            finally:
                pending.done.set()
        pending.done.wait()
        if pending.vector is None:
            raise RuntimeError("the message could not be embedded") from pending.error
        return pending.vector

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1:
            return self.vector(texts[0])[None, :]
        # Batches (the command line, replay) are not shared with a turn: embed them in one call.
        return self.encoder.encode(texts)


class SharedVectorRetriever:
    """A ``Retriever`` that searches with the turn's shared message vector."""

    def __init__(self, knowledge: VectorSearch, vectors: SharedMessageVectors) -> None:
        self.knowledge = knowledge
        self.vectors = vectors

    def search(self, query: str, k: int = 5) -> RetrievalResult:
        return self.knowledge.search(query, k, query_vector=self.vectors.vector(query))


class QueryVectors:
    """A ``MessageEncoder`` of a knowledge-base embedder: a message's vector exactly as the knowledge
    base searches with it (the embedder's vector of the message's search text, ``knowledge.query``).
    Training, refitting and the live turn all read messages through it, so they see one vector."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    @property
    def name(self) -> str:
        return self.embedder.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # A lone surrogate cannot be tokenized; the reader still reads the rest of the message.
        clean = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        return self.embedder.embed([search_text(text) for text in clean])
