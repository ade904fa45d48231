"""Incremental ingestion: only new or changed documents are chunked, embedded and written."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from chromadb.api.models.Collection import Collection
from tqdm import tqdm

from knowledge.chunking import CHUNKER_VERSION, Chunker, embedding_text
from knowledge.documents import Problem
from knowledge.embeddings import Embedder
from knowledge.types import Chunk, Document

BATCH = 64  # chunks embedded and written per call: bounds memory and keeps the progress bar moving


@dataclass
class IngestReport:
    """What one ingest did; ``problems`` name each document that was skipped and why."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    chunks_written: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

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


def stored_documents(collection: Collection) -> dict[str, tuple[str, str, list[str]]]:
    """doc_id -> (content hash, source, chunk ids) of what the collection holds now."""
    got = collection.get(include=["metadatas"])
    out: dict[str, tuple[str, str, list[str]]] = {}
    for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
        meta = meta or {}
        doc_id = str(meta.get("doc_id", cid.rsplit("#", 1)[0]))
        entry = out.setdefault(
            doc_id, (str(meta.get("content_hash", "")), str(meta.get("source", "")), [])
        )
        entry[2].append(cid)
    return out


def ingest_documents(
    items: Iterable[Document | Problem],
    *,
    collection: Collection,
    embedder: Embedder,
    chunker: Chunker,
    prune: bool = False,
    progress: bool = False,
) -> IngestReport:
    report = IngestReport()
    stored = stored_documents(collection)
    seen: dict[str, str] = {}  # doc_id -> source of the first document that claimed it
    failed_sources: set[str] = set()
    pending: list[tuple[Document, str, bool]] = []  # (document, hash, replaces an older version)
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
        old = stored.get(item.doc_id)
        if old is not None and old[0] == digest:
            report.unchanged += 1
        else:
            pending.append((item, digest, old is not None))
    report.failed = len(report.problems)

    chunks: list[tuple[Chunk, Document, str]] = []
    for doc, digest, replaces in pending:
        report.updated += replaces
        report.added += not replaces
        chunks.extend((chunk, doc, digest) for chunk in chunker.split(doc))
    _write(chunks, collection=collection, embedder=embedder, progress=progress)
    report.chunks_written = len(chunks)
    # Old chunks go only after the new version is written (a failed embed loses nothing); a shorter
    # new version leaves trailing chunk ids to drop.
    written = {chunk.chunk_id for chunk, _, _ in chunks}
    stale = [
        cid
        for doc, _, replaces in pending
        if replaces
        for cid in stored[doc.doc_id][2]
        if cid not in written
    ]
    if stale:
        collection.delete(ids=stale)

    if prune:
        # A document whose file failed to load this time is kept: failing to read it is not removal.
        gone = [
            d
            for d, (_, source, _) in stored.items()
            if d not in seen and source not in failed_sources
        ]
        for doc_id in gone:
            collection.delete(ids=stored[doc_id][2])
        report.removed = len(gone)
    return report


def _write(
    chunks: list[tuple[Chunk, Document, str]],
    *,
    collection: Collection,
    embedder: Embedder,
    progress: bool,
) -> None:
    bar = tqdm(
        total=len(chunks), unit="chunk", desc="embedding", disable=not progress or not chunks
    )
    with bar:
        for start in range(0, len(chunks), BATCH):
            batch = chunks[start : start + BATCH]
            vectors = embedder.embed([embedding_text(chunk) for chunk, _, _ in batch])
            collection.upsert(
                ids=[chunk.chunk_id for chunk, _, _ in batch],
                embeddings=vectors.tolist(),
                documents=[chunk.text for chunk, _, _ in batch],
                metadatas=[
                    {
                        "doc_id": chunk.doc_id,
                        "title": chunk.title,
                        "section": chunk.section,
                        "url": chunk.url or "",  # Chroma metadata cannot hold None
                        "source": doc.source or "",
                        "content_hash": digest,
                        "chunk_index": int(chunk.chunk_id.rsplit("#", 1)[1]),
                    }
                    for chunk, doc, digest in batch
                ],
            )
            bar.update(len(batch))
