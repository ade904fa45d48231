"""The KnowledgeBase: one Chroma collection, the embedder that fills it and its retriever."""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from chromadb.api import ClientAPI

from knowledge.chunking import Chunker
from knowledge.confidence import ConfidenceModel
from knowledge.documents import read_documents
from knowledge.embeddings import Embedder, default_embedder
from knowledge.ingest import IngestReport, ingest_documents, stored_documents
from knowledge.retriever import HybridRetriever, Mode
from knowledge.store import open_client, open_collection
from knowledge.types import RetrievalResult

SAMPLE_HELPCENTRE = Path(__file__).with_name("helpcentre")


class KnowledgeBase:
    """Search and ingest over one collection; a ``knowledge.types.Retriever``."""

    def __init__(
        self, client: ClientAPI, name: str, embedder: Embedder, *, confidence: ConfidenceModel
    ) -> None:
        self.client = client
        self.name = name
        self.embedder = embedder
        self.collection = open_collection(
            client, name, embedder_name=embedder.name, dim=embedder.dim
        )
        self.chunker = Chunker()
        self.retriever = HybridRetriever(self.collection, embedder, confidence=confidence)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
    ) -> RetrievalResult:
        """``query_vector``: ``self.embedder``'s vector of ``query``, when the caller already has it."""
        return self.retriever.search(query, k, mode=mode, query_vector=query_vector)

    def ingest(self, path: Path, *, prune: bool = False, progress: bool = False) -> IngestReport:
        """Ingest a folder or JSONL; raises FileNotFoundError when ``path`` is neither."""
        report = ingest_documents(
            read_documents(path),
            collection=self.collection,
            embedder=self.embedder,
            chunker=self.chunker,
            prune=prune,
            progress=progress,
        )
        if report.changed:
            self.retriever.invalidate()
        return report

    def count(self) -> int:
        """Number of chunks stored."""
        return int(self.collection.count())

    def stats(self) -> dict[str, Any]:
        docs = stored_documents(self.collection)
        return {
            "collection": self.name,
            "documents": len(docs),
            "chunks": self.count(),
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
        }

    def close(self) -> None:
        # Chroma's clients hold no handle that needs closing in 1.x; drop caches so memory is freed.
        self.retriever.invalidate()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]")


class InvalidCollectionName(ValueError):
    """A collection name Chroma would refuse."""


def open_knowledge_base(
    *,
    data_dir: Path,
    collection: str,
    chroma_url: str | None = None,
    embedder: Embedder | None = None,
    confidence: ConfidenceModel | None = None,
) -> KnowledgeBase:
    """Open (creating if needed) a knowledge base under ``data_dir/chroma`` or on a server."""
    if not COLLECTION_NAME.fullmatch(collection):
        raise InvalidCollectionName(
            f"invalid collection name {collection!r}: use 3-63 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    client = open_client(data_dir=Path(data_dir), chroma_url=chroma_url)
    return KnowledgeBase(
        client,
        collection,
        embedder or default_embedder(cache_dir=Path(data_dir) / "models"),
        confidence=confidence or ConfidenceModel.load(),
    )


def ensure_sample_loaded(kb: KnowledgeBase, *, progress: bool = False) -> IngestReport | None:
    """Load the bundled sample help centre into an empty knowledge base (first run, demos)."""
    if kb.count():
        return None
    return kb.ingest(SAMPLE_HELPCENTRE, progress=progress)
