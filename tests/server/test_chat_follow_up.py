"""A follow-up in `tideline chat`: "I already tried that" continues the article, then offers a person."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_i_already_tried_that_moves_on_in_the_same_article_then_offers_a_person(
    sample_data_dir: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "chat", "--data-dir", str(sample_data_dir)],
        input="my camera shows as offline\nI already tried that\nthat did not work either\n",
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    turns = done.stdout.split("you> ")[1:]
    first, second, third = turns
    assert "My camera shows as offline" in first and "1. " in first
    # Not a new search for "I already tried that": the same article, a step not given before.
    assert "If that didn't work" in second and "My camera shows as offline" in second
    new_lines = [
        line for line in second.splitlines()[2:] if line.strip().endswith("[1]") and line[:1] != " "
    ]
    assert new_lines and all(line.split(" [1]")[0] not in first for line in new_lines)
    assert "person from our support team" in third
