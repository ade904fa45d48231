"""`tideline kb ingest | search | stats` run in-process through server.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main


@pytest.fixture
def loaded(tmp_path: Path, docs_dir: Path) -> list[str]:
    """Common options of a data dir that already holds the three test articles."""
    options = ["--data-dir", str(tmp_path / "data"), "--collection", "cli-kb"]
    assert main(["kb", "ingest", str(docs_dir), *options]) == 0
    return options


def test_ingest_reports_counts_and_is_incremental(
    loaded: list[str], docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["kb", "ingest", str(docs_dir), *loaded]) == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out


def test_ingest_with_a_bad_document_skips_it_and_exits_non_zero(
    loaded: list[str], docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (docs_dir / "empty.md").write_text("# Nothing\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["kb", "ingest", str(docs_dir), *loaded]) == 1
    captured = capsys.readouterr()
    assert "skipped empty.md: empty text" in captured.err
    assert "1 failed" in captured.out


def test_ingest_of_a_missing_path_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "ingest", str(tmp_path / "nope"), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tideline: ") and "no such file" in err and "\n" not in err


def test_search_prints_ranked_results(
    loaded: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["kb", "search", "how fast is express delivery", "-k", "2", *loaded]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("confidence ")
    assert "1. How long delivery takes · Express delivery  [shipping-times#" in out


def test_batch_search_writes_results_per_line(
    loaded: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"query": "password reset link", "id": 1}\n\n{"query": "pair the camera", "id": 2}\n',
        encoding="utf-8",
    )
    output = tmp_path / "out" / "r.jsonl"
    assert (
        main(["kb", "search", "--input", str(queries), "--output", str(output), "-k", "2", *loaded])
        == 0
    )
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["results"][0]["doc_id"] == "reset-password"
    assert rows[1]["results"][0]["doc_id"] == "guides/pairing"
    assert set(rows[0]["results"][0]) == {"doc_id", "chunk_id", "title", "score"}
    assert 0.0 <= rows[0]["confidence"] <= 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"query": "fine"}\n{"query": \n', "q.jsonl:2: invalid JSON"),
        ('{"query": "fine"}\n{"text": "no query"}\n', "q.jsonl:2: missing field 'query'"),
        ('{"query": ""}\n', "q.jsonl:1: 'query' must be a non-empty string"),
    ],
)
def test_batch_search_bad_input_writes_nothing(
    loaded: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(content, encoding="utf-8")
    output = tmp_path / "r.jsonl"
    output.write_text("previous results\n", encoding="utf-8")
    assert main(["kb", "search", "--input", str(queries), "--output", str(output), *loaded]) == 2
    assert message in capsys.readouterr().err
    assert output.read_text() == "previous results\n"  # untouched


def test_search_needs_a_query_or_input(
    loaded: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "search", *loaded]) == 2
    assert "give a QUERY" in capsys.readouterr().err


def test_stats_reports_documents_and_chunks(
    loaded: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["kb", "stats", *loaded]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["collection"] == "cli-kb"
    assert stats["documents"] == 3 and stats["chunks"] >= 5
    assert stats["embedder"] == "all-MiniLM-L6-v2"
