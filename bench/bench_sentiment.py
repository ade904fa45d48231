"""Messages/s of the offline reader: `analyze_batch`, and `tideline sentiment` on a file.

Run from the repository root: ``.venv/bin/python bench/bench_sentiment.py [--messages 2000]``.
The messages are the project's own labelled support set repeated (with a counter, so no two lines
are equal) to the requested count. Both ways are measured with the sentence vectors (the default)
and with ``--no-vectors`` (plain heads only).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.sentiment.offline import OfflineAnalyzer  # noqa: E402
from agent.sentiment.training.data import OWN_DATA_PATH  # noqa: E402
from server.reader_vectors import reader_encoder  # noqa: E402
from server.settings import ServerSettings  # noqa: E402

BUDGET = 200.0  # messages/s through the command, start-up included (docs/sentiment.md)


def messages(count: int) -> list[str]:
    base = [
        json.loads(line)["text"] for line in OWN_DATA_PATH.read_text(encoding="utf-8").splitlines()
    ]
    return [f"{base[i % len(base)]} (ref {i})" for i in range(count)]


def in_process(texts: list[str], analyzer: OfflineAnalyzer) -> float:
    analyzer.analyze_batch(texts[:100])  # warm up (model load, graph build)
    started = time.perf_counter()
    analyzer.analyze_batch(texts)
    return len(texts) / (time.perf_counter() - started)


def command(texts: list[str], data_dir: Path, *extra: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        argv = [
            sys.executable,
            "-c",
            "import sys; from server.cli import main; sys.exit(main())",
            "sentiment",
            "--input",
            str(source),
            "--output",
            str(target),
            "--no-progress",
            "--data-dir",
            str(data_dir),
            *extra,
        ]
        started = time.perf_counter()
        subprocess.run(argv, check=True, cwd=ROOT)
        return len(texts) / (time.perf_counter() - started)  # start-up and model load included


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".tideline")
    args = parser.parse_args()
    texts = messages(args.messages)
    settings = ServerSettings(data_dir=args.data_dir)
    result = {
        "messages": len(texts),
        "analyze_batch_msgs_per_s": round(
            in_process(texts, OfflineAnalyzer.load(encoder=reader_encoder(settings, threads=2)))
        ),
        "analyze_batch_no_vectors_msgs_per_s": round(in_process(texts, OfflineAnalyzer.load())),
        "cli_batch_msgs_per_s": round(command(texts, args.data_dir)),
        "cli_batch_no_vectors_msgs_per_s": round(command(texts, args.data_dir, "--no-vectors")),
        "budget_msgs_per_s": BUDGET,
    }
    result["within_budget"] = result["cli_batch_msgs_per_s"] >= BUDGET
    print(json.dumps(result, indent=2))
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
