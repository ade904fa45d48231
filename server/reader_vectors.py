"""The sentiment reader's sentence vectors from the server's settings (``agent.message_vectors``)."""

from __future__ import annotations

from agent.message_vectors import MessageEncoder, QueryVectors
from knowledge.embeddings import LocalMiniLMEmbedder, default_embedder
from server.settings import ServerSettings


def reader_encoder(settings: ServerSettings, *, threads: int = 1) -> MessageEncoder:
    """The reader's own MiniLM: for commands without a knowledge base, or when retrieval uses
    another encoder. ``threads`` > 1 suits a batch command that has the machine to itself."""
    if threads == 1:
        return QueryVectors(default_embedder(cache_dir=settings.model_cache_dir))
    return QueryVectors(LocalMiniLMEmbedder(threads=threads, cache_dir=settings.model_cache_dir))
