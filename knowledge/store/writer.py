"""Writes documents' new versions: new chunks first, then the manifest flip, then the old chunks go."""

from __future__ import annotations

from dataclasses import dataclass

from chromadb.api.models.Collection import Collection
from tqdm import tqdm

from knowledge.chunking import embedding_text
from knowledge.embeddings import Embedder
from knowledge.store.manifest import DocumentEntry, Manifest, storage_id
from knowledge.types import Chunk

# Chunks embedded and written per round: enough for the embedder to sort by length and keep both
# cores busy, few enough that a killed ingest loses little work and the progress bar moves.
BATCH = 128


@dataclass(frozen=True)
class Replacement:
    """One document's next version: its chunks, the manifest entry naming them, what it replaces."""

    entry: DocumentEntry
    chunks: list[Chunk]
    old_ids: list[str]  # stored ids to delete once ``entry`` is flipped (never the new ones)


def write_replacements(
    replacements: list[Replacement],
    *,
    collection: Collection,
    manifest: Manifest,
    embedder: Embedder,
    progress: bool = False,
    desc: str = "embedding",
) -> int:
    """Write every replacement; returns the number of chunks written.

    After each round, the documents whose chunks are now all written are flipped together and
    their old chunks deleted, so a kill at any point loses at most one round of work and search
    never sees half a document.
    """
    flat = [(r, chunk) for r in replacements for chunk in r.chunks]
    last_round = {id(r): 0 for r in replacements}
    for position, (r, _) in enumerate(flat):
        last_round[id(r)] = position // BATCH
    bar = tqdm(total=len(flat), unit="chunk", desc=desc, disable=not progress or not flat)
    with bar:
        rounds = max(1, -(-len(flat) // BATCH))
        for number in range(rounds):
            batch = flat[number * BATCH : (number + 1) * BATCH]
            if batch:
                _upsert(batch, collection=collection, embedder=embedder)
            done = [r for r in replacements if last_round[id(r)] == number]
            manifest.flip([r.entry for r in done])
            old = [cid for r in done for cid in r.old_ids]
            if old:
                collection.delete(ids=old)
            bar.update(len(batch))
    return len(flat)


def _upsert(
    batch: list[tuple[Replacement, Chunk]], *, collection: Collection, embedder: Embedder
) -> None:
    vectors = embedder.embed([embedding_text(chunk) for _, chunk in batch])
    collection.upsert(
        ids=[storage_id(chunk.chunk_id, r.entry.gen) for r, chunk in batch],
        embeddings=vectors,
        documents=[chunk.text for _, chunk in batch],
        metadatas=[
            {
                "doc_id": chunk.doc_id,
                "chunk_id": chunk.chunk_id,
                "gen": r.entry.gen,
                "title": chunk.title,
                "section": chunk.section,
                "url": chunk.url or "",  # Chroma metadata cannot hold None
                "source": r.entry.source,
                "content_hash": r.entry.source_hash,
                "chunk_index": int(chunk.chunk_id.rsplit("#", 1)[1]),
            }
            for r, chunk in batch
        ],
    )
