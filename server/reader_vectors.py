"""The sentiment reader's sentence vectors: the same MiniLM vector the knowledge base searches with."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from agent.message_vectors import MessageEncoder
from agent.settings import Settings
from knowledge import Embedder
from knowledge.embeddings import LocalMiniLMEmbedder, default_embedder
from knowledge.query import search_text


class QueryVectors:
    """The reader's ``MessageEncoder``: a message's vector exactly as the knowledge base searches
    with it (the embedder's vector of the message's search text, ``knowledge.query``)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    @property
    def name(self) -> str:
        return self.embedder.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # A lone surrogate cannot be tokenized; the reader still reads the rest of the message.
        clean = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        return self.embedder.embed([search_text(text) for text in clean])


def reader_encoder(settings: Settings, *, threads: int = 1) -> MessageEncoder:
    """The reader's own MiniLM: for commands without a knowledge base, or when retrieval uses
    another encoder. ``threads`` > 1 suits a batch command that has the machine to itself."""
    if threads == 1:
        return QueryVectors(default_embedder(cache_dir=settings.model_cache_dir))
    return QueryVectors(LocalMiniLMEmbedder(threads=threads, cache_dir=settings.model_cache_dir))
