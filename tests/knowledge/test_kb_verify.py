"""`tideline kb verify [--repair]`: a collection that disagrees with its manifest, found and fixed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase, default_embedder, open_knowledge_base
from knowledge.store import storage_id
from server.cli import main


def options(data: Path) -> list[str]:
    return ["--data-dir", str(data), "--collection", "verify-kb"]


def open_kb(data: Path) -> KnowledgeBase:
    return open_knowledge_base(
        data_dir=data, collection="verify-kb", embedder=default_embedder(cache_dir=data / "models")
    )


@pytest.fixture
def data(data_dir_with_models: Path, docs_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["kb", "ingest", str(docs_dir), *options(data_dir_with_models)]) == 0
    capsys.readouterr()
    return data_dir_with_models


def verify(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["kb", "verify", *options(data), *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_cleanly_ingested_collection_verifies(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = verify(data, capsys)
    assert status == 0
    assert "3 documents" in out and "agrees with its manifest" in out


def test_chunks_a_killed_ingest_left_are_hidden_reported_and_removed(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What a run killed after writing a new version but before flipping the manifest leaves.
    leftover = storage_id("shipping-times#0", "0123456789abcdef")
    with open_kb(data) as kb:
        kb.store.upsert(
            ids=[leftover],
            embeddings=default_embedder().embed(["zebra crossings delay every parcel"]),
            documents=["Zebra crossings delay every parcel."],
            metadatas=[
                {
                    "doc_id": "shipping-times",
                    "chunk_id": "shipping-times#0",
                    "gen": "0123456789abcdef",
                }
            ],
        )
        assert all("Zebra" not in p.text for p in kb.search("zebra crossings", k=5).passages)
        assert kb.count() == len(kb.collection.get()["ids"])  # the leftover is not counted
    status, out, err = verify(data, capsys)
    assert status == 1
    assert "1 chunks no document names" in out and "--repair" in err
    status, out, _ = verify(data, capsys, "--repair")
    assert status == 0 and "1 leftover chunks removed" in out
    assert verify(data, capsys)[0] == 0
    with open_kb(data) as kb:
        assert leftover not in kb.store.get()["ids"]


def test_a_document_missing_a_chunk_is_dropped_and_restored_by_the_next_ingest(
    data: Path, docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_kb(data) as kb:
        entry = kb.manifest.load()["reset-password"]
        assert entry.chunks > 1
        kb.store.delete(ids=[entry.storage_ids()[1]])
    status, out, _ = verify(data, capsys)
    assert status == 1 and "chunks missing or altered: reset-password" in out
    status, _, err = verify(data, capsys, "--repair")
    assert status == 1 and "ingest the sources of these documents again: reset-password" in err
    assert verify(data, capsys)[0] == 0
    with open_kb(data) as kb:
        # Search shows no half of the document rather than half of it.
        assert all(p.doc_id != "reset-password" for p in kb.search("reset link", k=5).passages)
    assert main(["kb", "ingest", str(docs_dir), *options(data)]) == 0
    assert "1 added, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert verify(data, capsys)[0] == 0


def test_an_altered_chunk_is_not_unchanged_to_the_next_ingest(
    data: Path, docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_kb(data) as kb:
        first = kb.manifest.load()["shipping-times"].storage_ids()[0]
        altered = "Delivery is free on Mondays."
        kb.store.update(
            ids=[first], documents=[altered], embeddings=default_embedder().embed([altered])
        )
    status, out, _ = verify(data, capsys)
    assert status == 1 and "altered: shipping-times" in out
    # The source did not change, but the stored document no longer matches it: rewritten.
    assert main(["kb", "ingest", str(docs_dir), *options(data)]) == 0
    assert "0 added, 1 updated, 2 unchanged" in capsys.readouterr().out
    assert verify(data, capsys)[0] == 0
    with open_kb(data) as kb:
        assert "Mondays" not in " ".join(kb.collection.get()["documents"] or [])


def test_vectors_of_another_embedder_are_reported_then_re_embedded(
    data_dir_with_models: Path,
    docs_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = data_dir_with_models
    monkeypatch.setenv("TIDELINE_EMBEDDING_MODEL", "local-minilm-fp32")
    assert main(["kb", "ingest", str(docs_dir), *options(data)]) == 0
    monkeypatch.delenv("TIDELINE_EMBEDDING_MODEL")
    capsys.readouterr()
    status, out, _ = verify(data, capsys)
    assert status == 1 and "3 documents with vectors from another embedder" in out
    status, out, _ = verify(data, capsys, "--repair")
    assert status == 0 and "3 documents re-embedded" in out
    with open_kb(data) as kb:
        got = kb.collection.get(include=["embeddings", "documents", "metadatas"])
        texts = [
            f"{m['title']} > {m['section']}\n{d}" if m["section"] else f"{m['title']}\n{d}"
            for d, m in zip(got["documents"] or [], got["metadatas"] or [], strict=True)
        ]
        np.testing.assert_allclose(got["embeddings"], default_embedder().embed(texts), atol=1e-6)


def test_verify_of_an_invalid_collection_name_exits_2(
    data_dir_with_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["kb", "verify", "--data-dir", str(data_dir_with_models), "--collection", "x"])
    assert status == 2 and "invalid collection name" in capsys.readouterr().err
