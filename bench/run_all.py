"""Runs every benchmark in bench/ one after another and prints a Markdown table of what each measured.

Usage (from the repository root): ``python bench/run_all.py [--only NAME ...] [--list]``. Each
benchmark runs as its own process with its default arguments (so one cannot skew the next's
memory); its output is printed in full, and the table at the end has one row per benchmark, in
the README's columns: what, command, measured (the benchmark's own figures) and how it went.
Benchmarks need a quiet machine: run them one at a time, never beside the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Outcome:
    name: str
    what: str
    command: str
    status: int
    seconds: float
    output: str

    def measured(self, lines: int = 6) -> str:
        """The last lines the benchmark printed (its figures), joined for one table cell."""
        kept = [line.strip() for line in self.output.splitlines() if line.strip()][-lines:]
        return " · ".join(" ".join(line.split()) for line in kept).replace("|", "\\|")


def _first_doc_line(path: Path) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8").lstrip()
    if text[:3] in ('"""', "'''"):
        return text[3:].split("\n", 1)[0].strip().rstrip('"').strip()
    return ""


def discover(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("bench_*.py"))


def run_one(folder: Path, name: str, *, timeout_s: float) -> Outcome:
    command = [sys.executable, str(folder / f"{name}.py")]
    shown = f"python bench/{name}.py"
    started = time.perf_counter()
    print(f"\n## {name}\n", flush=True)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, cwd=folder.parent
        )
        status, output = done.returncode, done.stdout
        if done.returncode != 0:
            output += done.stderr[-2000:]
    except subprocess.TimeoutExpired as exc:
        status = -1
        raw = exc.stdout or b""
        output = (
            raw.decode() if isinstance(raw, bytes) else raw
        ) + f"\n(timed out after {timeout_s:.0f} s)"
    print(output, flush=True)
    what = _first_doc_line(folder / f"{name}.py") or name
    return Outcome(name, what, shown, status, time.perf_counter() - started, output)


def table(outcomes: list[Outcome]) -> str:
    rows = ["| what | command | measured | run |", "|---|---|---|---|"]
    for o in outcomes:
        how = f"ok, {o.seconds:.0f} s" if o.status == 0 else f"**failed** (exit {o.status})"
        rows.append(f"| {o.what} | `{o.command}` | {o.measured()} | {how} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (bench_kb or kb)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark")
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = discover(args.bench_dir)
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in args.only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            print(f"run_all: no such benchmark: {', '.join(unknown)}", file=sys.stderr)
            return 2
        names = wanted
    outcomes = [run_one(args.bench_dir, name, timeout_s=args.timeout) for name in names]
    print("\n" + table(outcomes))
    return 0 if all(o.status == 0 for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
