"""A store whose vectors another embedder made is re-embedded when opened, never searched mixed."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from knowledge import default_embedder, open_knowledge_base
from knowledge.chunking import Chunker, embedding_text
from knowledge.documents import read_documents
from knowledge.ingest import content_hash
from knowledge.types import Document
from server.cli import main


def live_vectors_match_the_embedder(data: Path, collection: str) -> None:
    with open_knowledge_base(
        data_dir=data, collection=collection, embedder=default_embedder(cache_dir=data / "models")
    ) as kb:
        got = kb.collection.get(include=["embeddings", "documents", "metadatas"])
        assert got["ids"]
        texts = [
            embedding_text(_chunk(cid, m, d))
            for cid, d, m in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        ]
        np.testing.assert_allclose(got["embeddings"], default_embedder().embed(texts), atol=1e-6)


def _chunk(cid: str, meta: object, text: str | None) -> object:
    from knowledge.types import Chunk

    m = dict(meta or {})  # type: ignore[call-overload]
    return Chunk(cid, str(m["doc_id"]), str(m["title"]), str(m["section"]), text or "")


def test_opening_an_fp32_store_with_the_int8_embedder_re_embeds_it_with_a_message(
    data_dir_with_models: Path,
    docs_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = data_dir_with_models
    opts = ["--data-dir", str(data), "--collection", "moved-kb"]
    monkeypatch.setenv("TIDELINE_EMBEDDING_MODEL", "local-minilm-fp32")
    assert main(["kb", "ingest", str(docs_dir), *opts]) == 0
    monkeypatch.delenv("TIDELINE_EMBEDDING_MODEL")
    capsys.readouterr()
    assert main(["kb", "search", "express delivery", *opts]) == 0
    captured = capsys.readouterr()
    assert "re-embedded 3 documents" in captured.err
    assert "How long delivery takes" in captured.out
    live_vectors_match_the_embedder(data, "moved-kb")
    # Done once: the next run has nothing to re-embed and nothing to ingest.
    assert main(["kb", "ingest", str(docs_dir), *opts]) == 0
    captured = capsys.readouterr()
    assert "re-embedded" not in captured.err
    assert "0 added, 0 updated, 3 unchanged" in captured.out


def write_old_layout(data: Path, docs: Path, *, mixed: str | None = None) -> int:
    """A collection as Tideline wrote it before manifests: ids doc#i, fp32 vectors, no generation.

    ``mixed`` names a document whose last chunk is left from an older version (the state the
    old ingest could leave after a kill).
    """
    client = chromadb.PersistentClient(
        path=str(data / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection(
        "old-kb",
        embedding_function=None,
        metadata={"hnsw:space": "cosine", "embedder": "all-MiniLM-L6-v2", "dim": 384},
    )
    fp32 = default_embedder(precision="fp32")
    chunker = Chunker()
    count = 0
    for doc in read_documents(docs):
        assert isinstance(doc, Document)
        chunks = chunker.split(doc)
        digest = content_hash(doc)
        collection.upsert(
            ids=[c.chunk_id for c in chunks],
            embeddings=fp32.embed([embedding_text(c) for c in chunks]),
            documents=[c.text for c in chunks],
            metadatas=[
                {
                    "doc_id": c.doc_id,
                    "title": c.title,
                    "section": c.section,
                    "url": c.url or "",
                    "source": doc.source or "",
                    "content_hash": "older"
                    if doc.doc_id == mixed and i == len(chunks) - 1
                    else digest,
                    "chunk_index": i,
                }
                for i, c in enumerate(chunks)
            ],
        )
        count += len(chunks)
    return count


def test_a_store_from_before_manifests_is_migrated_and_stays_incremental(
    data_dir_with_models: Path, docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = data_dir_with_models
    chunks = write_old_layout(data, docs_dir)
    with open_knowledge_base(
        data_dir=data, collection="old-kb", embedder=default_embedder(cache_dir=data / "models")
    ) as kb:
        assert kb.reembedded == (3, chunks)
        assert kb.count() == chunks
        assert sorted(kb.collection.get()["ids"]) == sorted(
            c.chunk_id
            for d in read_documents(docs_dir)
            if isinstance(d, Document)
            for c in Chunker().split(d)
        )
        assert not kb.state().leftovers()  # the old ids are gone once each document moved
    live_vectors_match_the_embedder(data, "old-kb")
    opts = ["--data-dir", str(data), "--collection", "old-kb"]
    assert main(["kb", "ingest", str(docs_dir), *opts]) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 updated, 3 unchanged" in out and "(0 chunks written)" in out


def test_a_half_replaced_old_store_is_rewritten_by_the_next_ingest(
    data_dir_with_models: Path, docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = data_dir_with_models
    write_old_layout(data, docs_dir, mixed="reset-password")
    opts = ["--data-dir", str(data), "--collection", "old-kb"]
    assert main(["kb", "ingest", str(docs_dir), *opts]) == 0
    out = capsys.readouterr().out
    # Its chunks disagree about their version, so no source can call it unchanged.
    assert "0 added, 1 updated, 2 unchanged" in out
    assert main(["kb", "verify", *opts]) == 0
