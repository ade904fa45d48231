"""Warm offline turn latency: sentiment ∥ retrieval → policy → grounded answer → records.

Budgets and figures: README.md, "Measured figures".

Runs the full ConversationService turn (SQLite records, SQLite checkpoints, on-disk Chroma with the
sample help centre) on the embedded defaults, twice: with the real offline analyzer, and with a
zero-cost analyzer that returns a fixed neutral reading. The ratio of the two is what the sentiment
node adds to a turn; the analyzer's own time per message is what it would add if it ran in series.

    .venv/bin/python bench/bench_turn.py --turns 300
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from agent.bot import SupportBot
from agent.sentiment.reading import SentimentReading
from server.runtime import open_runtime
from server.settings import ServerSettings
from server.turns.service import ConversationService

QUESTIONS_PATH = Path(__file__).resolve().parent.parent / "evals" / "data" / "retrieval_set.jsonl"


class ConstantAnalyzer:
    """A reading that costs nothing: the turn as if the sentiment node were absent."""

    name = "constant"

    def analyze(self, text: str, context: list[str] | None = None) -> SentimentReading:
        return SentimentReading(
            score=0.0, label="neutral", frustration=0.0, urgency=0.0, confidence=1.0
        )


def calm_questions() -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS_PATH.read_text().splitlines() if line.strip()]
    return [r["query"] for r in rows if r.get("style") in ("plain", "terse", "typo")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def run(service: ConversationService, questions: list[str], turns: int, warmup: int) -> dict:
    latencies: list[float] = []
    handoffs = 0
    conversation = service.start_conversation()
    for i in range(warmup + turns):
        if i % 5 == 0 or handoffs:
            conversation = service.start_conversation()
            handoffs = 0
        text = questions[i % len(questions)]
        started = time.perf_counter()
        result = service.customer_message(conversation, text)
        elapsed = (time.perf_counter() - started) * 1000
        handoffs += int(result.handed_off)
        if i >= warmup:
            latencies.append(elapsed)
    return {
        "turns": turns,
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    questions = calm_questions()
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_runtime(ServerSettings(data_dir=Path(tmp))) as rt,
    ):
        with_sentiment = run(rt.conversations, questions, args.turns, args.warmup)
        quiet_bot = SupportBot(
            replace(rt.bot.deps, analyzer=ConstantAnalyzer()),
            checkpointer=rt.bot.graph.checkpointer,
        )
        quiet = replace(rt.conversations, bot=quiet_bot)
        without_sentiment = run(quiet, questions, args.turns, args.warmup)

        analyzer_ms = []
        for text in questions[:200]:
            started = time.perf_counter()
            rt.analyzer.analyze(text)
            analyzer_ms.append((time.perf_counter() - started) * 1000)

    figures = {
        "with_sentiment": with_sentiment,
        "without_sentiment": without_sentiment,
        "sentiment_overhead_p50_pct": round(
            100 * (with_sentiment["p50_ms"] / without_sentiment["p50_ms"] - 1), 1
        ),
        "analyzer_alone_p50_ms": round(statistics.median(analyzer_ms), 3),
    }
    print(f"{'variant':<22}{'turns':>7}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for name in ("with_sentiment", "without_sentiment"):
        f = figures[name]
        print(f"{name:<22}{f['turns']:>7}{f['p50_ms']:>10}{f['p99_ms']:>10}{f['mean_ms']:>10}")
    print(
        f"sentiment node adds {figures['sentiment_overhead_p50_pct']} % at p50 "
        f"(analyzer alone: {figures['analyzer_alone_p50_ms']} ms per message)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
