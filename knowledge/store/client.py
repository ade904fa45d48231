"""The Chroma side: an on-disk PersistentClient by default, an HttpClient given a server URL."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

MANIFEST_SUFFIX = ".manifest"
_MAX_NAME = 63  # Chroma's limit on a collection name


class EmbedderMismatch(RuntimeError):
    """The collection was built with another embedding model; its vectors cannot be compared."""


def open_client(*, data_dir: Path, chroma_url: str | None = None) -> ClientAPI:
    # Telemetry off: it would try the network on every start.
    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if not url.hostname:
            raise ValueError(f"invalid Chroma URL {chroma_url!r}: expected http://host:port")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def open_collection(client: ClientAPI, name: str, *, embedder_name: str, dim: int) -> Collection:
    """One collection per knowledge base, cosine space, vectors always supplied by us."""
    # embedding_function=None: Chroma's default function downloads a model, which fails offline.
    collection = client.get_or_create_collection(
        name,
        embedding_function=None,
        metadata={"hnsw:space": "cosine", "embedder": embedder_name, "dim": dim},
    )
    meta: dict[str, Any] = collection.metadata or {}
    if meta.get("embedder") not in (None, embedder_name) or meta.get("dim") not in (None, dim):
        raise EmbedderMismatch(
            f"collection {name!r} was built with {meta.get('embedder')} ({meta.get('dim')}-d); "
            f"this knowledge base embeds with {embedder_name} ({dim}-d): use another collection"
        )
    return collection


def manifest_name(name: str) -> str:
    """The manifest's collection name beside ``name``, within Chroma's 63 characters."""
    if len(name) + len(MANIFEST_SUFFIX) <= _MAX_NAME:
        return name + MANIFEST_SUFFIX
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: _MAX_NAME - len(MANIFEST_SUFFIX) - 9]}-{digest}{MANIFEST_SUFFIX}"


def open_manifest_collection(client: ClientAPI, name: str) -> Collection:
    """The collection holding one manifest record per document of the collection ``name``.

    It lives in the same Chroma as the chunks (a file beside them would not be shared by the
    processes of a scaled-out deployment) and carries no meaningful vectors.
    """
    return client.get_or_create_collection(
        manifest_name(name), embedding_function=None, metadata={"manifest_of": name}
    )
