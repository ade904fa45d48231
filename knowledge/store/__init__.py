"""The Chroma store: the chunk collection, its manifest, what search sees, and how both change."""

from knowledge.store.client import (
    MANIFEST_SUFFIX,
    EmbedderMismatch,
    manifest_name,
    open_client,
    open_collection,
    open_manifest_collection,
)
from knowledge.store.live import LiveChunks
from knowledge.store.manifest import DocumentEntry, Manifest, chunks_hash, generation, storage_id
from knowledge.store.repair import (
    StoreCheck,
    check_store,
    drop_damaged,
    needs_reembedding,
    reembed,
    remove_leftovers,
)
from knowledge.store.state import StoredChunk, StoreState
from knowledge.store.writer import Replacement, write_replacements

__all__ = [
    "MANIFEST_SUFFIX",
    "DocumentEntry",
    "EmbedderMismatch",
    "LiveChunks",
    "Manifest",
    "Replacement",
    "StoreCheck",
    "StoreState",
    "StoredChunk",
    "check_store",
    "chunks_hash",
    "drop_damaged",
    "generation",
    "manifest_name",
    "needs_reembedding",
    "open_client",
    "open_collection",
    "open_manifest_collection",
    "reembed",
    "remove_leftovers",
    "storage_id",
    "write_replacements",
]
