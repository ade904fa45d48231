"""The KnowledgeBase: one Chroma collection, the embedder that fills it and its retriever."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

from knowledge.chunking import Chunker
from knowledge.confidence import ConfidenceModel
from knowledge.documents import read_documents
from knowledge.embeddings import Embedder, default_embedder, embedder_fingerprint
from knowledge.ingest import IngestReport, ingest_documents
from knowledge.retriever import HybridRetriever, Mode
from knowledge.store import (
    MANIFEST_SUFFIX,
    LiveChunks,
    Manifest,
    StoreState,
    needs_reembedding,
    open_client,
    open_collection,
    open_manifest_collection,
    reembed,
)
from knowledge.types import RetrievalResult

log = logging.getLogger(__name__)

SAMPLE_HELPCENTRE = Path(__file__).with_name("helpcentre")


class KnowledgeBase:
    """Search and ingest over one collection; a ``knowledge.types.Retriever``.

    ``store`` is the Chroma collection as written (chunks of every generation); ``collection`` is
    what search sees (``knowledge.store.LiveChunks``). Opening a store whose vectors another
    embedder made re-embeds it first (``upgrade=False`` only reports it, for ``kb verify``).
    """

    def __init__(
        self,
        client: ClientAPI,
        name: str,
        embedder: Embedder,
        *,
        confidence: ConfidenceModel,
        upgrade: bool = True,
    ) -> None:
        self.client = client
        self.name = name
        self.embedder = embedder
        self.fingerprint = embedder_fingerprint(embedder)
        self.store = open_collection(client, name, embedder_name=embedder.name, dim=embedder.dim)
        self.manifest = Manifest(open_manifest_collection(client, name))
        self.collection = LiveChunks(self.store, self.manifest)
        self.chunker = Chunker()
        # The retriever only reads (count, get, query), which the live view provides.
        self.retriever = HybridRetriever(
            cast(Collection, self.collection), embedder, confidence=confidence
        )
        self.reembedded = self.reembed_stale() if upgrade else (0, 0)

    def state(self) -> StoreState:
        """One read of every stored chunk and the manifest."""
        return StoreState.read(self.store, self.manifest)

    def reembed_stale(self, *, progress: bool = False) -> tuple[int, int]:
        """Re-embed documents whose vectors another embedder made; (documents, chunks) redone."""
        if not needs_reembedding(self.manifest.load(), self.store.count(), self.fingerprint):
            return (0, 0)
        state = self.state()
        todo = state.stale(self.fingerprint) + state.legacy_documents()
        if not todo:
            return (0, 0)
        before = sorted({state.entries[d].fingerprint for d in todo if d in state.entries}) or [
            "an earlier Tideline (before stores recorded their embedder)"
        ]
        log.warning(
            "knowledge base %r: %d documents hold vectors of %s; re-embedding them with %s",
            self.name,
            len(todo),
            ", ".join(before),
            self.fingerprint,
        )
        done = reembed(
            state,
            collection=self.store,
            manifest=self.manifest,
            embedder=self.embedder,
            fingerprint=self.fingerprint,
            progress=progress,
        )
        self.retriever.invalidate()
        return done

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
            collection=self.store,
            manifest=self.manifest,
            embedder=self.embedder,
            chunker=self.chunker,
            prune=prune,
            progress=progress,
        )
        if report.changed:
            self.retriever.invalidate()
        return report

    def count(self) -> int:
        """Number of chunks search sees (what a clean ingest of the same documents stores)."""
        entries = self.manifest.load()
        if not entries:
            return int(self.store.count())  # a store from before manifests, not yet upgraded
        return sum(e.chunks for e in entries.values())

    def stats(self) -> dict[str, Any]:
        entries = self.manifest.load()
        return {
            "collection": self.name,
            "documents": len(entries),
            "chunks": sum(e.chunks for e in entries.values()),
            "embedder": self.embedder.name,
            "fingerprint": self.fingerprint,
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
    upgrade: bool = True,
) -> KnowledgeBase:
    """Open (creating if needed) a knowledge base under ``data_dir/chroma`` or on a server."""
    if not COLLECTION_NAME.fullmatch(collection):
        raise InvalidCollectionName(
            f"invalid collection name {collection!r}: use 3-63 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    if collection.endswith(MANIFEST_SUFFIX):
        raise InvalidCollectionName(
            f"invalid collection name {collection!r}: names ending in {MANIFEST_SUFFIX!r} hold "
            "another collection's manifest"
        )
    client = open_client(data_dir=Path(data_dir), chroma_url=chroma_url)
    return KnowledgeBase(
        client,
        collection,
        embedder or default_embedder(cache_dir=Path(data_dir) / "models"),
        confidence=confidence or ConfidenceModel.load(),
        upgrade=upgrade,
    )


def ensure_sample_loaded(kb: KnowledgeBase, *, progress: bool = False) -> IngestReport | None:
    """Load the bundled sample help centre into an empty knowledge base (first run, demos)."""
    if kb.count():
        return None
    return kb.ingest(SAMPLE_HELPCENTRE, progress=progress)
