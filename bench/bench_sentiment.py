"""Messages/s of the offline analyzer: `analyze_batch`, and `tideline sentiment` on a file.

Run from the repository root: ``.venv/bin/python bench/bench_sentiment.py [--messages 10000]``.
The messages are the project's own labelled support set repeated (with a counter, so no two lines
are equal) to the requested count.
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

BUDGET = 1000.0  # messages/s (README.md, "Measured figures")


def messages(count: int) -> list[str]:
    base = [
        json.loads(line)["text"] for line in OWN_DATA_PATH.read_text(encoding="utf-8").splitlines()
    ]
    return [f"{base[i % len(base)]} (ref {i})" for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    texts = messages(args.messages)
    analyzer = OfflineAnalyzer.load()
    analyzer.analyze_batch(texts[:200])  # warm up
    started = time.perf_counter()
    analyzer.analyze_batch(texts)
    in_process = len(texts) / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        command = [
            sys.executable,
            "-c",
            "import sys; from server.cli import main; sys.exit(main())",
            "sentiment",
            "--input",
            str(source),
            "--output",
            str(target),
            "--no-progress",
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT)
        cli = len(texts) / (time.perf_counter() - started)  # includes start-up and model load

    result = {
        "messages": len(texts),
        "analyze_batch_msgs_per_s": round(in_process),
        "cli_batch_msgs_per_s": round(cli),
        "budget_msgs_per_s": BUDGET,
        "within_budget": min(in_process, cli) >= BUDGET,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
