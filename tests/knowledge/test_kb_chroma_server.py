"""A knowledge base on a Chroma server (CHROMA_URL) instead of the on-disk store."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import open_knowledge_base


def test_ingest_and_search_through_a_chroma_server(
    chroma_url: str, docs_dir: Path, tmp_path: Path
) -> None:
    with open_knowledge_base(
        data_dir=tmp_path, collection="served-kb", chroma_url=chroma_url
    ) as kb:
        assert kb.ingest(docs_dir).added == 3
        assert kb.search("express delivery next day", k=1).passages[0].doc_id == "shipping-times"
    assert not (tmp_path / "chroma").exists()  # nothing was written locally
    # A second client (another worker) sees the same collection.
    with open_knowledge_base(
        data_dir=tmp_path, collection="served-kb", chroma_url=chroma_url
    ) as kb:
        assert kb.ingest(docs_dir).unchanged == 3
        assert kb.search("reset link", k=1).passages[0].doc_id == "reset-password"


def test_invalid_chroma_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid Chroma URL"):
        open_knowledge_base(data_dir=tmp_path, collection="x-kb", chroma_url="not a url")
