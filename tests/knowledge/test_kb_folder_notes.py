"""Folder notes are not articles, and a bad collection name is refused before Chroma sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import SAMPLE_HELPCENTRE
from knowledge.base import InvalidCollectionName, open_knowledge_base
from knowledge.documents import read_folder
from knowledge.types import Document


def test_readme_and_licence_files_are_not_ingested(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# About this folder\nNot an article.\n")
    (tmp_path / "LICENSE.txt").write_text("Apache-2.0\n")
    (tmp_path / "refunds.md").write_text("# Refunds\nRefunds take 5 days.\n")
    ids = [d.doc_id for d in read_folder(tmp_path) if isinstance(d, Document)]
    assert ids == ["refunds"]


def test_the_sample_help_centre_readme_is_not_an_article() -> None:
    ids = {d.doc_id for d in read_folder(SAMPLE_HELPCENTRE) if isinstance(d, Document)}
    assert "README" not in ids and len(ids) >= 40


@pytest.mark.parametrize("name", ["h", "has space", "-dash-first", "x" * 80])
def test_invalid_collection_names_get_a_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidCollectionName, match="invalid collection name"):
        open_knowledge_base(data_dir=tmp_path, collection=name)
