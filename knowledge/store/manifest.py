"""The manifest: one record per document naming the generation of its chunks that search sees.

A document's chunks are stored under ``f"{chunk_id}~{gen}"``: a new version is written beside the
old one under a new generation, the manifest record is flipped to it in one write, and only then
are the old chunks deleted. Search shows a chunk only when its generation is the one the manifest
names, so a reader sees the whole old version or the whole new one, never a mixture, and a process
killed at any point leaves at worst invisible leftovers that the next ingest (or `kb verify
--repair`) removes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
from chromadb.api.models.Collection import Collection

from knowledge.types import Chunk

GEN_SEPARATOR = "~"


def generation(source_hash: str, fingerprint: str) -> str:
    """The same source embedded by the same model always lands on the same ids.

    Deterministic, so a re-run after a crash overwrites its own half-written chunks instead of
    adding a third copy, and two processes loading the same source converge on one set of ids.
    """
    return hashlib.sha256(f"{source_hash}\0{fingerprint}".encode()).hexdigest()[:16]


def storage_id(chunk_id: str, gen: str) -> str:
    return f"{chunk_id}{GEN_SEPARATOR}{gen}"


def chunk_id_of(stored_id: str) -> str:
    """``doc#3~<gen>`` -> ``doc#3``; ids written before generations existed come back as they are."""
    head, sep, tail = stored_id.rpartition(GEN_SEPARATOR)
    return head if sep and tail and all(c in "0123456789abcdef" for c in tail) else stored_id


def chunks_hash(chunks: Iterable[Chunk]) -> str:
    """Over everything search shows of a document's chunks, in reading order."""
    sha = hashlib.sha256()
    for chunk in chunks:
        for part in (chunk.chunk_id, chunk.title, chunk.section, chunk.url or "", chunk.text):
            sha.update(part.encode("utf-8"))
            sha.update(b"\0")
    return sha.hexdigest()


@dataclass(frozen=True)
class DocumentEntry:
    """What the store holds for one document, as the last completed write left it."""

    doc_id: str
    gen: str  # the generation of the chunks search sees
    source_hash: str  # ``knowledge.ingest.content_hash`` of the document as read from its source
    fingerprint: str  # the embedder (model, quantisation, version) that made the chunks' vectors
    chunks: int  # how many chunks that generation has: ids f"{doc_id}#0" .. #chunks-1
    chunks_hash: str  # ``chunks_hash`` of those chunks
    source: str = ""  # where the document came from (path or file.jsonl:line), for prune
    title: str = ""

    def storage_ids(self) -> list[str]:
        return [storage_id(f"{self.doc_id}#{i}", self.gen) for i in range(self.chunks)]

    @classmethod
    def from_metadata(cls, doc_id: str, meta: Mapping[str, object]) -> DocumentEntry:
        return cls(
            doc_id=doc_id,
            gen=str(meta.get("gen", "")),
            source_hash=str(meta.get("source_hash", "")),
            fingerprint=str(meta.get("fingerprint", "")),
            chunks=int(str(meta.get("chunks", 0))),
            chunks_hash=str(meta.get("chunks_hash", "")),
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
        )


class Manifest:
    """The manifest collection: read whole, changed one batch of records at a time."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    def load(self) -> dict[str, DocumentEntry]:
        got = self.collection.get(include=["metadatas"])
        return {
            doc_id: DocumentEntry.from_metadata(doc_id, meta or {})
            for doc_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
        }

    def flip(self, entries: list[DocumentEntry]) -> None:
        """Point each document at its new generation; one upsert, so one batch flips together."""
        if not entries:
            return
        self.collection.upsert(
            ids=[e.doc_id for e in entries],
            # Chroma insists on a vector per record; the manifest is only ever read by id.
            embeddings=np.ones((len(entries), 1), dtype=np.float32),
            metadatas=[{k: v for k, v in asdict(e).items() if k != "doc_id"} for e in entries],
        )

    def drop(self, doc_ids: list[str]) -> None:
        """Forget documents: search stops showing them at once, before their chunks are deleted."""
        if doc_ids:
            self.collection.delete(ids=doc_ids)

    def count(self) -> int:
        return int(self.collection.count())
