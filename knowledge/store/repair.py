"""Checking a store against its manifest, re-embedding stale vectors and repairing the rest."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chromadb.api.models.Collection import Collection

from knowledge.embeddings import Embedder
from knowledge.store.manifest import DocumentEntry, Manifest, chunks_hash, generation
from knowledge.store.state import StoreState
from knowledge.store.writer import Replacement, write_replacements
from knowledge.types import Chunk


@dataclass
class StoreCheck:
    """How a store disagrees with its manifest (``ok`` when it does not)."""

    documents: int = 0
    chunks: int = 0  # chunks search sees
    damaged: list[str] = field(default_factory=list)  # live generation incomplete or altered
    leftovers: int = 0  # stored chunks search never shows (a killed ingest's)
    stale: list[str] = field(default_factory=list)  # vectors from another embedder
    legacy: list[str] = field(default_factory=list)  # stored before manifests existed

    @property
    def ok(self) -> bool:
        return not (self.damaged or self.leftovers or self.stale or self.legacy)


def check_store(state: StoreState, fingerprint: str) -> StoreCheck:
    legacy = state.legacy_documents()
    return StoreCheck(
        documents=len(state.entries) + len(legacy),
        chunks=sum(len(state.live(d)) for d in [*state.entries, *legacy]),
        damaged=state.damaged(),
        leftovers=len(state.leftovers()),
        stale=state.stale(fingerprint),
        legacy=legacy,
    )


def needs_reembedding(entries: dict[str, DocumentEntry], stored: int, fingerprint: str) -> bool:
    """A cheap test from the manifest alone; a full read then says what exactly to re-embed."""
    return any(e.fingerprint != fingerprint for e in entries.values()) or stored != sum(
        e.chunks for e in entries.values()
    )


def reembed(
    state: StoreState,
    *,
    collection: Collection,
    manifest: Manifest,
    embedder: Embedder,
    fingerprint: str,
    progress: bool = False,
) -> tuple[int, int]:
    """Re-embed, from their stored text, documents whose vectors another embedder made.

    Each document moves to a new generation through the manifest like any other replacement, so
    search never ranks one document by two models' vectors. Returns (documents, chunks).
    """
    replacements: list[Replacement] = []
    for doc_id in state.stale(fingerprint):
        entry = state.entries[doc_id]
        chunks = [s.chunk for s in state.live(doc_id)]
        replacements.append(
            _replacement(state, entry.source_hash, entry.source, chunks, fingerprint)
        )
    for doc_id in state.legacy_documents():
        legacy = state.live(doc_id)
        hashes = {s.source_hash for s in legacy}
        # Chunks of different versions (a run killed before manifests existed) match no source:
        # an empty hash makes the next ingest rewrite this document from its source.
        source_hash = hashes.pop() if len(hashes) == 1 else ""
        # Renumbered in reading order: the same ids when nothing is missing, no gaps when it is.
        chunks = [replace(s.chunk, chunk_id=f"{doc_id}#{i}") for i, s in enumerate(legacy)]
        replacements.append(_replacement(state, source_hash, legacy[0].source, chunks, fingerprint))
    written = write_replacements(
        replacements,
        collection=collection,
        manifest=manifest,
        embedder=embedder,
        progress=progress,
        desc="re-embedding",
    )
    return len(replacements), written


def _replacement(
    state: StoreState, source_hash: str, source: str, chunks: list[Chunk], fingerprint: str
) -> Replacement:
    doc_id = chunks[0].doc_id
    entry = DocumentEntry(
        doc_id=doc_id,
        gen=generation(source_hash or f"unmatched:{chunks_hash(chunks)}", fingerprint),
        source_hash=source_hash,
        fingerprint=fingerprint,
        chunks=len(chunks),
        chunks_hash=chunks_hash(chunks),
        source=source,
        title=chunks[0].title,
    )
    new = set(entry.storage_ids())
    return Replacement(entry, chunks, [i for i in state.ids_of(doc_id) if i not in new])


def remove_leftovers(
    before: StoreState,
    *,
    collection: Collection,
    manifest: Manifest,
    skip: set[str] | frozenset[str] = frozenset(),
) -> int:
    """Delete chunks no manifest entry names, left by a killed run; returns how many went.

    Only chunks that were already leftovers when ``before`` was read and are still not live now
    are deleted: another process's version that is being written right now is not touched.
    """
    by_id = {s.stored_id: s for s in before.chunks}
    leftovers = [cid for cid in before.leftovers() if by_id[cid].doc_id not in skip]
    if not leftovers:
        return 0
    entries = manifest.load()
    doomed = [
        cid
        for cid in leftovers
        if (entry := entries.get(by_id[cid].doc_id)) is None or entry.gen != by_id[cid].gen
    ]
    if doomed:
        collection.delete(ids=doomed)
    return len(doomed)


def drop_damaged(state: StoreState, *, collection: Collection, manifest: Manifest) -> list[str]:
    """Forget documents whose live chunks are incomplete or altered; their sources must be re-ingested."""
    damaged = state.damaged()
    manifest.drop(damaged)
    doomed = [cid for d in damaged for cid in state.ids_of(d)]
    if doomed:
        collection.delete(ids=doomed)
    return damaged
