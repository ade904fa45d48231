"""Benchmark: time from the handoff decision to its appearance on a connected agent console.

Starts the server (one process, or two sharing PostgreSQL and Redis with ``--processes 2``: the
customer on the first, the console on the second), connects a supervisor's console to /ws/agent,
then has ``--handoffs`` customers ask for a person one after another. For each, the latency is the
console's receipt of the ``opened`` queue event minus the handoff's ``created_at`` (the clock
reading taken in the handoff node, right after the policy decided); both are read from the same
machine clock. Budget (README.md, "Measured figures"): within 100 ms. Customers are paced at four a
second, under the per-address message rate they all share (they come from 127.0.0.1).

    .venv/bin/python bench/bench_handoff_console.py --handoffs 50
    .venv/bin/python bench/bench_handoff_console.py --handoffs 50 --processes 2 \\
        --database-url postgresql://postgres@127.0.0.1:5432/DB --redis-url redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from typing import Any

from server_process import free_port, server_process, tideline, until
from websockets.asyncio.client import connect


async def bench(customer_base: str, console_base: str, token: str, handoffs: int) -> dict[str, Any]:
    console_url = console_base.replace("http://", "ws://") + "/ws/agent"
    chat_url = customer_base.replace("http://", "ws://") + "/ws/chat"
    decision_to_console: list[float] = []
    sent_to_console: list[float] = []
    async with connect(
        console_url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=2**24
    ) as console:
        await until(console, lambda f: f["type"] == "queue")
        for i in range(handoffs):
            async with connect(chat_url) as customer:
                sent = time.time()
                text = f"I want to talk to a person about order {1000 + i}"
                await customer.send(json.dumps({"type": "message", "id": f"h{i}", "text": text}))
                session = await until(customer, lambda f: f["type"] == "session")
                cid = session["conversation_id"]
                event = await until(
                    console,
                    lambda f, c=cid: (
                        f["type"] == "handoff"
                        and f["event"] == "opened"
                        and f["handoff"]["conversation_id"] == c
                    ),
                )
                arrived = time.time()
                decision_to_console.append((arrived - event["handoff"]["created_at"]) * 1000)
                sent_to_console.append((arrived - sent) * 1000)
                await until(customer, lambda f: f["type"] == "handoff")
            # All customers come from one address: stay under its message rate (5 a second).
            await asyncio.sleep(0.25)

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
            "max_ms": round(ordered[-1], 1),
        }

    return {
        "handoffs": handoffs,
        "decision_to_console": summary(decision_to_console),
        "customer_message_to_console": summary(sent_to_console),
        "within_100_ms": sum(1 for v in decision_to_console if v <= 100),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handoffs", type=int, default=50)
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--data-dir", default=None, help="server data dir (default: a temp dir)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (needed for 2 processes)")
    parser.add_argument("--redis-url", default=None, help="Redis (needed for 2 processes)")
    args = parser.parse_args()
    if args.processes == 2 and not (args.database_url and args.redis_url):
        parser.error("--processes 2 needs --database-url and --redis-url")
    with tempfile.TemporaryDirectory(prefix="tideline-bench-") as tmp, ExitStack() as stack:
        env = {"TIDELINE_DATA_DIR": args.data_dir or tmp}
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
        added = tideline(
            "agents", "add", f"bench-{int(time.time())}", "--role", "supervisor", env=env
        )
        token = re.search(r"token \(shown once, store it now\): (\S+)", added)
        assert token is not None, added
        bases = []
        try:
            for _ in range(args.processes):
                port = free_port()
                command = [str(sys.executable), "-m", "server.cli", "serve", "--port", str(port)]
                base, _child = stack.enter_context(server_process(command, port=port, env=env))
                bases.append(base)
        except RuntimeError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
        result = asyncio.run(bench(bases[0], bases[-1], token.group(1), args.handoffs))
        result["processes"] = args.processes
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
