"""Incremental ingestion: only new, changed or damaged documents are chunked, embedded and written.

Each document is replaced through the manifest (``knowledge.store.manifest``): its new chunks are
written under a new generation, the manifest is flipped, then the old chunks are deleted. A killed
ingest therefore leaves every document either whole in its old version or whole in its new one,
plus invisible leftovers; running the ingest again finishes the work and removes them, so re-runs
(and ``--prune``) converge to exactly what one clean ingest gives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from chromadb.api.models.Collection import Collection

from knowledge.chunking import CHUNKER_VERSION, Chunker
from knowledge.documents import Problem
from knowledge.embeddings import Embedder, embedder_fingerprint
from knowledge.store import (
    DocumentEntry,
    Manifest,
    Replacement,
    StoreState,
    chunks_hash,
    generation,
    remove_leftovers,
    write_replacements,
)
from knowledge.types import Document


@dataclass
class IngestReport:
    """What one ingest did; ``problems`` name each document that was skipped and why."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    chunks_written: int = 0
    leftovers_removed: int = 0  # chunks a killed earlier run left behind, now deleted
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.leftovers_removed)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.failed} failed ({self.chunks_written} chunks written)"
        )


def content_hash(doc: Document) -> str:
    """Changes when anything stored for the document changes, including how it is chunked."""
    sha = hashlib.sha256()
    for part in (CHUNKER_VERSION, doc.title, doc.url or "", doc.text):
        sha.update(part.encode("utf-8"))
        sha.update(b"\0")
    return sha.hexdigest()


def ingest_documents(
    items: Iterable[Document | Problem],
    *,
    collection: Collection,
    manifest: Manifest,
    embedder: Embedder,
    chunker: Chunker,
    prune: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Bring the store to the documents of ``items``; ``collection`` is the raw chunk collection."""
    report = IngestReport()
    state = StoreState.read(collection, manifest)
    fingerprint = embedder_fingerprint(embedder)
    seen: dict[str, str] = {}  # doc_id -> source of the first document that claimed it
    failed_sources: set[str] = set()
    replacements: list[Replacement] = []
    for item in items:
        if isinstance(item, Problem):
            report.problems.append(item)
            failed_sources.add(item.source)
            continue
        if item.doc_id in seen:
            report.problems.append(
                Problem(
                    item.source or item.doc_id,
                    f"duplicate doc_id {item.doc_id!r} (first in {seen[item.doc_id]})",
                )
            )
            continue
        seen[item.doc_id] = item.source or item.doc_id
        digest = content_hash(item)
        old = state.entries.get(item.doc_id)
        # Unchanged means the whole stored document matches, not just one chunk of it.
        if (
            old is not None
            and old.source_hash == digest
            and old.fingerprint == fingerprint
            and state.intact(item.doc_id)
        ):
            report.unchanged += 1
            continue
        stored = old is not None or bool(state.ids_of(item.doc_id))
        report.updated += stored
        report.added += not stored
        replacements.append(_replacement(item, digest, fingerprint, chunker, state))
    report.failed = len(report.problems)

    report.chunks_written = write_replacements(
        replacements, collection=collection, manifest=manifest, embedder=embedder, progress=progress
    )
    gone: list[str] = []
    if prune:
        # A document whose file failed to load this time is kept: failing to read it is not removal.
        known = set(state.entries) | set(state.legacy_documents())
        gone = sorted(d for d in known if d not in seen and _source(state, d) not in failed_sources)
        manifest.drop(gone)  # search stops showing them before their chunks go
        doomed = [cid for d in gone for cid in state.ids_of(d)]
        if doomed:
            collection.delete(ids=doomed)
        report.removed = len(gone)
    # Chunks of the documents just written or pruned are already dealt with.
    handled = {r.entry.doc_id for r in replacements} | set(gone)
    report.leftovers_removed = remove_leftovers(
        state, collection=collection, manifest=manifest, skip=handled
    )
    return report


def _replacement(
    doc: Document, digest: str, fingerprint: str, chunker: Chunker, state: StoreState
) -> Replacement:
    chunks = chunker.split(doc)
    entry = DocumentEntry(
        doc_id=doc.doc_id,
        gen=generation(digest, fingerprint),
        source_hash=digest,
        fingerprint=fingerprint,
        chunks=len(chunks),
        chunks_hash=chunks_hash(chunks),
        source=doc.source or "",
        title=doc.title,
    )
    new = set(entry.storage_ids())
    return Replacement(entry, chunks, [i for i in state.ids_of(doc.doc_id) if i not in new])


def _source(state: StoreState, doc_id: str) -> str:
    entry = state.entries.get(doc_id)
    if entry is not None:
        return entry.source
    legacy = state.live(doc_id)
    return legacy[0].source if legacy else ""
