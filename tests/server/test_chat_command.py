"""`tideline chat` as a user runs it: piped customer turns, streamed answers, --explain, handoff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def chat(data_dir: Path, *lines: str, explain: bool = True) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "server.cli", "chat", "--data-dir", str(data_dir)]
    if explain:
        args.append("--explain")
    return subprocess.run(
        args, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=180
    )


def test_piped_turns_are_answered_with_citations_then_handed_off(sample_data_dir: Path) -> None:
    done = chat(
        sample_data_dir,
        "how do I reset my password?",
        "",  # blank lines are skipped, not sent
        "this is the third time I ask and nothing works, let me talk to a human NOW",
        "HELLO?? I have been waiting for 20 minutes, this is ridiculous",
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("you> ") == 3
    assert "Reset your Lumora password" in out  # the cited article's title
    assert "turn 1 · reading (offline)" in out and "decision: answer" in out
    assert "decision: ESCALATE" in out and "explicit_human_request" in out
    assert "handed off to a person" in out and "summary:" in out and "rationale:" in out
    assert "a person will answer here" in out  # turn 3 goes to the human, not the bot
    assert "priority raised" in out


def test_an_empty_or_oversized_message_is_refused_and_the_chat_goes_on(
    sample_data_dir: Path,
) -> None:
    done = chat(sample_data_dir, "x" * 9_000, "what plans do you have?", explain=False)
    assert done.returncode == 0, done.stderr
    assert "(not sent: The message is 9,000 characters long" in done.stdout
    assert "Plus" in done.stdout  # the next question is still answered


def test_a_broken_policy_file_is_one_clear_line(sample_data_dir: Path, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: x\nrules:\n  frustration:\n    threshold: 3\n")
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "chat", "--data-dir", str(sample_data_dir)],
        input="hi\n",
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "TIDELINE_POLICY_PATH": str(policy)},
    )
    assert done.returncode == 2
    # Start-up progress lines come first; the error is the one line after them.
    *progress, error = done.stderr.strip().splitlines()
    assert error.startswith("tideline: ") and "threshold" in error
    assert all(line.startswith("Tideline: loading") for line in progress)
    assert "Traceback" not in done.stderr


def test_the_start_says_what_it_is_loading(sample_data_dir: Path) -> None:
    done = chat(sample_data_dir, "what plans do you have?", explain=False)
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stderr.splitlines() if line.startswith("Tideline: ")]
    assert steps[:2] == [
        "Tideline: loading the knowledge base and its embedding model (MiniLM) …",
        "Tideline: loading the sentiment analyzer and the escalation policy …",
    ]
    assert "Tideline: opening the records database …" in steps
    # The help centre is already loaded here: the ~20 s first-start step is not announced.
    assert not any("sample help centre" in line for line in steps)
