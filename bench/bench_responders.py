"""Responder speed: grounded reply time, and LLM time to first token over model latency.

Budgets and figures: README.md, "Measured figures".

The chat model is a local OpenAI-compatible server (the test suite's fake, on 127.0.0.1) that waits a
fixed latency L before its first token; the budget is first token within L + 15 ms.

    .venv/bin/python bench/bench_responders.py --latency-ms 200 --replies 30
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, the stand-in model provider

from agent.llm import build_chat_model  # noqa: E402
from agent.responders.base import ReplyRequest  # noqa: E402
from agent.responders.grounded import GroundedResponder  # noqa: E402
from agent.responders.llm import LLMResponder  # noqa: E402
from knowledge import ensure_sample_loaded, open_knowledge_base  # noqa: E402
from server.settings import ServerSettings  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer, ScriptedReply  # noqa: E402

QUESTIONS = ROOT / "evals" / "data" / "retrieval_set.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--replies", type=int, default=30)
    args = parser.parse_args()
    queries = [json.loads(line)["query"] for line in QUESTIONS.read_text().splitlines() if line]

    with (
        tempfile.TemporaryDirectory() as tmp,
        open_knowledge_base(data_dir=Path(tmp), collection="helpcentre") as kb,
    ):
        ensure_sample_loaded(kb)
        results = [kb.search(q, k=4) for q in queries]
    requests = [
        ReplyRequest(question=r.query, retrieval=r, tone="neutral", tone_instruction="Be concise.")
        for r in results
    ]
    grounded = GroundedResponder()
    for request in requests:  # warm: first sight of each article's sentences is tokenised once
        grounded.respond(request)
    grounded_ms = []
    for request in requests:
        started = time.perf_counter()
        grounded.respond(request, on_token=lambda _d: None)
        grounded_ms.append((time.perf_counter() - started) * 1000)

    latency = args.latency_ms / 1000
    server = FakeOpenAIServer().start()
    try:
        server.default = ScriptedReply(
            text="Use Forgot password on the sign-in page [1].", first_token_delay_s=latency
        )
        model = build_chat_model(ServerSettings(openai_base_url=server.base_url))
        assert model is not None
        responder = LLMResponder(model, grounded)
        answerable = [r for r in requests if r.retrieval.usable]
        responder.respond(answerable[0])  # warm the connection pool, as a running server would be
        over_ms = []
        for request in answerable[: args.replies]:
            arrivals: list[float] = []
            started = time.perf_counter()
            responder.respond(
                request, on_token=lambda _d, a=arrivals: a.append(time.perf_counter())
            )
            over_ms.append((arrivals[0] - started - latency) * 1000)
    finally:
        server.stop()

    print(
        f"grounded reply: p50 {statistics.median(grounded_ms):.2f} ms, "
        f"max {max(grounded_ms):.2f} ms over {len(grounded_ms)} replies"
    )
    print(
        f"LLM first token over model latency L={args.latency_ms:.0f} ms: "
        f"p50 {statistics.median(over_ms):.1f} ms, max {max(over_ms):.1f} ms "
        f"over {len(over_ms)} replies (budget 15 ms)"
    )


if __name__ == "__main__":
    main()
