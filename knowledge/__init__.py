"""The knowledge base: ingestion, local embeddings, a Chroma store and hybrid retrieval."""

from knowledge.base import (
    SAMPLE_HELPCENTRE,
    KnowledgeBase,
    ensure_sample_loaded,
    open_knowledge_base,
)
from knowledge.documents import Problem
from knowledge.embeddings import Embedder, build_embedder, default_embedder
from knowledge.ingest import IngestReport
from knowledge.minilm import ModelFileError
from knowledge.store import EmbedderMismatch

__all__ = [
    "SAMPLE_HELPCENTRE",
    "Embedder",
    "EmbedderMismatch",
    "IngestReport",
    "KnowledgeBase",
    "ModelFileError",
    "Problem",
    "build_embedder",
    "default_embedder",
    "ensure_sample_loaded",
    "open_knowledge_base",
]
