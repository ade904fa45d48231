"""One read of a knowledge base's chunks and manifest, and what they say about each document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from chromadb.api.models.Collection import Collection

from knowledge.store.manifest import DocumentEntry, Manifest, chunk_id_of, chunks_hash
from knowledge.types import Chunk


@dataclass(frozen=True)
class StoredChunk:
    """A chunk record as stored; ``gen`` is None for chunks written before generations existed."""

    stored_id: str
    doc_id: str
    gen: str | None
    index: int
    chunk: Chunk
    source: str
    source_hash: str

    @classmethod
    def from_record(cls, stored_id: str, meta: Mapping[str, object], text: str) -> StoredChunk:
        chunk_id = str(meta.get("chunk_id") or chunk_id_of(stored_id))
        doc_id = str(meta.get("doc_id") or chunk_id.rsplit("#", 1)[0])
        index = meta.get("chunk_index")
        gen = meta.get("gen")
        return cls(
            stored_id=stored_id,
            doc_id=doc_id,
            gen=str(gen) if gen else None,
            index=int(str(index)) if index is not None else int(chunk_id.rsplit("#", 1)[-1]),
            chunk=Chunk(
                chunk_id=chunk_id,
                doc_id=doc_id,
                title=str(meta.get("title", "")),
                section=str(meta.get("section", "")),
                text=text,
                url=str(meta["url"]) if meta.get("url") else None,
            ),
            source=str(meta.get("source", "")),
            source_hash=str(meta.get("content_hash", "")),
        )


@dataclass
class StoreState:
    """The manifest's entries and every stored chunk, grouped by (document, generation)."""

    entries: dict[str, DocumentEntry]
    chunks: list[StoredChunk]
    by_version: dict[tuple[str, str | None], list[StoredChunk]] = field(init=False)
    by_doc: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        grouped: dict[tuple[str, str | None], list[StoredChunk]] = defaultdict(list)
        by_doc: dict[str, list[str]] = defaultdict(list)
        for stored in self.chunks:
            grouped[(stored.doc_id, stored.gen)].append(stored)
            by_doc[stored.doc_id].append(stored.stored_id)
        for group in grouped.values():
            group.sort(key=lambda s: s.index)
        self.by_version = dict(grouped)
        self.by_doc = dict(by_doc)

    @classmethod
    def read(cls, collection: Collection, manifest: Manifest) -> StoreState:
        # The manifest first: a flip that lands between the two reads then shows up as leftovers
        # of the older generation, never as a document whose chunks were not read.
        entries = manifest.load()
        got = collection.get(include=["metadatas", "documents"])
        chunks = [
            StoredChunk.from_record(cid, meta or {}, text or "")
            for cid, meta, text in zip(
                got["ids"], got["metadatas"] or [], got["documents"] or [], strict=True
            )
        ]
        return cls(entries, chunks)

    def live(self, doc_id: str) -> list[StoredChunk]:
        """The chunks search shows for ``doc_id``: its manifest generation, or legacy chunks."""
        entry = self.entries.get(doc_id)
        return self.by_version.get((doc_id, entry.gen if entry else None), [])

    def intact(self, doc_id: str) -> bool:
        """The manifest's generation of ``doc_id`` is all there and exactly what was written."""
        entry = self.entries.get(doc_id)
        if entry is None:
            return False
        live = self.live(doc_id)
        return [s.stored_id for s in live] == entry.storage_ids() and entry.chunks_hash == (
            chunks_hash(s.chunk for s in live)
        )

    def legacy_documents(self) -> list[str]:
        """Documents stored before manifests existed (chunks without a generation, no entry)."""
        return sorted({d for d, gen in self.by_version if gen is None and d not in self.entries})

    def damaged(self) -> list[str]:
        """Documents whose manifest generation is missing chunks or holds other text."""
        return sorted(d for d in self.entries if not self.intact(d))

    def stale(self, fingerprint: str) -> list[str]:
        """Intact documents whose vectors come from another embedder (or another version of it)."""
        return sorted(
            d for d, e in self.entries.items() if e.fingerprint != fingerprint and self.intact(d)
        )

    def leftovers(self) -> list[str]:
        """Stored ids search never shows: other generations, or chunks of forgotten documents."""
        legacy = set(self.legacy_documents())
        out: list[str] = []
        for (doc_id, gen), group in self.by_version.items():
            entry = self.entries.get(doc_id)
            if gen is None and doc_id in legacy:
                continue
            if entry is None or entry.gen != gen:
                out.extend(s.stored_id for s in group)
        return sorted(out)

    def ids_of(self, doc_id: str) -> list[str]:
        """Every stored id of ``doc_id``, whatever its generation."""
        return list(self.by_doc.get(doc_id, []))
