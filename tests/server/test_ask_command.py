"""`tideline ask` as a support lead runs it: a JSONL of questions in, the bot's answers out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.openai_server import (  # noqa: F401
    FakeOpenAIServer,
    ScriptedReply,
    _openai_server_process,
    openai_server,
)


def ask(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "ask", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def _write(path: Path, *rows: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_every_question_gets_an_answer_a_summary_and_a_report(
    sample_data_dir: Path, tmp_path: Path
) -> None:
    questions = _write(
        tmp_path / "q.jsonl",
        {"query": "How do I reset my password?", "gold": ["password-reset"], "id": 7},
        {"query": "Do you sell <b>solar panels</b> for the roof?", "gold": []},
    )
    out, report = tmp_path / "a.jsonl", tmp_path / "report"
    done = ask(
        sample_data_dir, "--input", str(questions), "--output", str(out), "--report", str(report)
    )

    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    first, second = rows
    assert first["id"] == 7  # the line's own fields are kept
    answer = first["answer"]
    assert answer["answered"] is True and "Forgot password" in answer["text"]
    assert set(answer["citations"][0]) == {"doc_id", "chunk_id", "title", "url"}
    assert answer["citations"][0]["doc_id"] == "password-reset"
    assert 0.0 <= answer["confidence"] <= 1.0
    assert second["answer"]["answered"] is False and second["answer"]["citations"] == []
    assert "2 questions: 1 answered" in done.stderr and "1 declined" in done.stderr
    assert "first citation correct on 1 of 1 with gold" in done.stderr
    page = (report / "index.html").read_text()
    assert "<script" not in page and "&lt;b&gt;solar panels&lt;/b&gt;" in page
    assert "href='/help/password-reset'" in page and "first citation correct" in page


def test_a_bad_line_is_one_error_with_its_number_and_writes_nothing(
    sample_data_dir: Path, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"query": "refund?"}\n\n{"query": \n', encoding="utf-8")
    out = tmp_path / "a.jsonl"
    done = ask(sample_data_dir, "--input", str(questions), "--output", str(out))

    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"tideline: {questions}:3: invalid JSON")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".a.jsonl*"))

    _write(questions, {"query": "  "})
    empty = ask(sample_data_dir, "--input", str(questions), "--output", str(out))
    assert empty.returncode == 2 and "'query' must be a non-empty string" in empty.stderr


def test_with_a_chat_model_configured_the_answers_come_from_it(
    sample_data_dir: Path,
    tmp_path: Path,
    openai_server: FakeOpenAIServer,  # noqa: F811
) -> None:
    openai_server.default = ScriptedReply(text="Choose Forgot password? on the sign-in screen [1].")
    questions = _write(tmp_path / "q.jsonl", {"query": "How do I reset my password?"})
    out = tmp_path / "a.jsonl"
    env = dict(os.environ, OPENAI_BASE_URL=openai_server.base_url, OPENAI_API_KEY="test-key")
    done = ask(sample_data_dir, "--input", str(questions), "--output", str(out), env=env)

    assert done.returncode == 0, done.stderr
    answer = json.loads(out.read_text())["answer"]
    assert answer["text"] == "Choose Forgot password? on the sign-in screen [1]."
    assert answer["answered"] is True
    assert answer["citations"][0]["doc_id"] == "password-reset"
    assert openai_server.requests  # the model was asked
