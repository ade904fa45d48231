"""Ingestion: incremental re-ingest, stable chunk ids, prune, and every kind of bad document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from knowledge import KnowledgeBase
from tests.knowledge.kb_support import CountingEmbedder


def chunk_ids(kb: KnowledgeBase) -> list[str]:
    return sorted(kb.collection.get()["ids"])


def test_first_ingest_adds_every_document_with_heading_paths(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path
) -> None:
    kb = make_kb()
    report = kb.ingest(docs_dir)
    assert (report.added, report.failed) == (3, 0)
    ids = chunk_ids(kb)
    assert "reset-password#0" in ids and "guides/pairing#0" in ids  # HTML: doc_id from the path
    result = kb.search("nothing arrived, not even in my spam folder", k=3)
    top = result.passages[0]
    assert top.doc_id == "reset-password"
    assert top.section == "No email arrived"
    assert top.url == "https://help.example/reset"
    pairing = kb.search("hold the sync button", k=1).passages[0]
    assert pairing.title == "Pair a camera with the hub"  # HTML <title>


def test_unchanged_documents_cost_no_embedding(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path, counting_embedder: CountingEmbedder
) -> None:
    kb = make_kb()
    kb.ingest(docs_dir)
    before_ids, embedded = chunk_ids(kb), counting_embedder.texts
    report = kb.ingest(docs_dir)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    assert counting_embedder.texts == embedded
    assert chunk_ids(kb) == before_ids


def test_changed_document_is_replaced_and_others_untouched(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path, counting_embedder: CountingEmbedder
) -> None:
    kb = make_kb()
    kb.ingest(docs_dir)
    # The new version is shorter: its trailing old chunks must go.
    (docs_dir / "reset-password.md").write_text(
        "---\ndoc_id: reset-password\ntitle: Reset your password\n---\n"
        "Password resets now happen in the mobile app under Settings > Security.\n",
        encoding="utf-8",
    )
    embedded = counting_embedder.texts
    report = kb.ingest(docs_dir)
    assert (report.updated, report.unchanged) == (1, 2)
    assert counting_embedder.texts - embedded == 1  # only the changed document's single chunk
    assert [i for i in chunk_ids(kb) if i.startswith("reset-password#")] == ["reset-password#0"]
    top = kb.search("where do I reset my password", k=1).passages[0]
    assert "mobile app" in top.text


def test_chunk_ids_are_stable_across_stores(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path, tmp_path: Path
) -> None:
    from knowledge import open_knowledge_base

    kb = make_kb()
    kb.ingest(docs_dir)
    with open_knowledge_base(data_dir=tmp_path / "other", collection="again") as other:
        other.ingest(docs_dir)
        assert chunk_ids(other) == chunk_ids(kb)


def test_prune_removes_deleted_documents_only_when_asked(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path
) -> None:
    kb = make_kb()
    kb.ingest(docs_dir)
    (docs_dir / "shipping-times.md").unlink()
    assert kb.ingest(docs_dir).removed == 0
    assert any(i.startswith("shipping-times#") for i in chunk_ids(kb))
    report = kb.ingest(docs_dir, prune=True)
    assert report.removed == 1
    assert not any(i.startswith("shipping-times#") for i in chunk_ids(kb))
    assert all(p.doc_id != "shipping-times" for p in kb.search("express delivery", k=5).passages)


def test_prune_keeps_a_document_whose_file_became_unreadable(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path
) -> None:
    kb = make_kb()
    kb.ingest(docs_dir)
    (docs_dir / "shipping-times.md").write_bytes(b"---\ndoc_id: shipping-times\n\xff\xfe broken")
    report = kb.ingest(docs_dir, prune=True)
    assert report.failed == 1 and report.removed == 0
    assert "shipping-times.md" in str(report.problems[0])
    assert any(i.startswith("shipping-times#") for i in chunk_ids(kb))


def test_bad_files_are_reported_and_the_rest_ingested(
    make_kb: Callable[[], KnowledgeBase], docs_dir: Path
) -> None:
    (docs_dir / "empty.md").write_text(
        "---\ndoc_id: empty\ntitle: Empty\n---\n   \n", encoding="utf-8"
    )
    (docs_dir / "binary.txt").write_bytes(b"\x80\x81\x82 not utf-8")
    (docs_dir / "dup.md").write_text(
        "---\ndoc_id: shipping-times\ntitle: Again\n---\nText.\n", encoding="utf-8"
    )
    (docs_dir / "badyaml.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    kb = make_kb()
    report = kb.ingest(docs_dir)
    assert report.added == 3
    assert report.failed == 4
    problems = "\n".join(map(str, report.problems))
    assert "empty.md: empty text" in problems
    assert "binary.txt: unreadable" in problems
    assert "duplicate doc_id 'shipping-times'" in problems
    assert "badyaml.md" in problems


def test_jsonl_bad_lines_are_reported_by_line_number(
    make_kb: Callable[[], KnowledgeBase], tmp_path: Path
) -> None:
    lines = [
        json.dumps(
            {"doc_id": "returns", "title": "Returns", "text": "Return within 30 days for a refund."}
        ),
        "{not json",
        json.dumps({"doc_id": "warranty", "text": "Two years of cover."}),
        json.dumps({"doc_id": "returns", "title": "Returns again", "text": "Duplicate."}),
        json.dumps({"doc_id": "blank", "title": "Blank", "text": ""}),
        json.dumps(["a", "list"]),
        json.dumps(
            {
                "doc_id": "warranty",
                "title": "Warranty",
                "text": "Two years of cover.",
                "url": "https://x/w",
            }
        ),
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kb = make_kb()
    report = kb.ingest(path)
    assert report.added == 2 and report.failed == 5
    sources = [p.source for p in report.problems]
    assert sources == [
        "docs.jsonl:2",
        "docs.jsonl:3",
        "docs.jsonl:4",
        "docs.jsonl:5",
        "docs.jsonl:6",
    ]
    assert "missing field 'title'" in str(report.problems[1])
    assert kb.search("how long is the warranty", k=1).passages[0].url == "https://x/w"


def test_first_heading_is_the_title_without_front_matter(
    make_kb: Callable[[], KnowledgeBase], tmp_path: Path
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "gift-cards.md").write_text(
        "# Gift cards\n\nGift cards never expire and can pay for devices.\n", encoding="utf-8"
    )
    kb = make_kb()
    kb.ingest(folder)
    passage = kb.search("do gift cards expire", k=1).passages[0]
    assert (passage.doc_id, passage.title) == ("gift-cards", "Gift cards")
