"""bench/run_all.py: runs each benchmark as a process and tabulates what it printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN_ALL = Path(__file__).resolve().parents[2] / "bench" / "run_all.py"


def _bench(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(body, encoding="utf-8")


def test_every_benchmark_gets_a_row_with_its_figures_and_a_failure_is_marked(
    tmp_path: Path,
) -> None:
    _bench(tmp_path, "bench_fast", '"""Fast thing per second."""\nprint("rate 123.4 /s")\n')
    _bench(tmp_path, "bench_broken", '"""Broken thing."""\nraise SystemExit(3)\n')
    (tmp_path / "server_process.py").write_text("raise SystemExit(9)\n")  # not a benchmark
    done = subprocess.run(
        [sys.executable, str(RUN_ALL), "--bench-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1  # one benchmark failed
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert rows[0] == "| what | command | measured | run |"
    assert any("Fast thing per second." in r and "rate 123.4 /s" in r and "ok," in r for r in rows)
    assert any("Broken thing." in r and "**failed** (exit 3)" in r for r in rows)
    assert not any("server_process" in r for r in rows)


def test_only_runs_the_named_benchmark_and_an_unknown_name_is_one_line(tmp_path: Path) -> None:
    _bench(tmp_path, "bench_a", 'print("a ran")\n')
    _bench(tmp_path, "bench_b", 'print("b ran")\n')
    only = subprocess.run(
        [sys.executable, str(RUN_ALL), "--bench-dir", str(tmp_path), "--only", "a"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert only.returncode == 0
    assert "a ran" in only.stdout and "b ran" not in only.stdout
    unknown = subprocess.run(
        [sys.executable, str(RUN_ALL), "--bench-dir", str(tmp_path), "--only", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "run_all: no such benchmark: bench_nope"
