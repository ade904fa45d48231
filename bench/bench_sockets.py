"""Benchmark of the customer channel: many concurrent sockets, each running a scripted conversation.

Starts `tideline`'s app under uvicorn in a child process on 127.0.0.1 (its own data dir), opens
``--sockets`` customer sockets at once, and has each run ``--turns`` questions. Reports throughput,
p50/p99 turn latency (message sent → final reply received), messages lost (every customer message
must come back with a reply, and a final resume must replay a gapless, duplicate-free transcript),
the peak of open sockets the server reported, and the server's resident memory.

    .venv/bin/python bench/bench_sockets.py --sockets 500 --turns 3
    .venv/bin/python bench/bench_sockets.py --sockets 500 --turns 3 --processes 2 \
        --database-url postgresql://postgres@127.0.0.1:5432/DB --redis-url redis://127.0.0.1:6379/0

With ``--processes 2`` the customers alternate between two processes sharing PostgreSQL, Redis
and a Chroma server (started here unless ``--chroma-url`` is given), and each resumes on the
other process at the end; the server RSS is reported per process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from server_process import chroma_server, free_port, server_process, until
from websockets.asyncio.client import connect

QUESTIONS = [
    "How do I reset my password?",
    "How long does delivery take?",
    "Can I change my delivery address?",
    "What payment methods do you accept?",
    "My camera shows as offline, what can I do?",
    "How do I cancel my subscription?",
    "How do I download my invoice?",
    "How long does a refund take?",
]


def serve(args: argparse.Namespace) -> None:
    """The child process: the real app with limits sized for one benchmarking address."""
    import uvicorn

    from server.app import create_app
    from server.channel.rate_limits import ChannelLimits
    from server.runtime import open_runtime
    from server.settings import ServerSettings

    settings = ServerSettings(data_dir=Path(args.data_dir))
    limits = ChannelLimits(
        sockets_per_address=args.sockets + 50,
        address_messages_burst=args.sockets * 10,
        address_messages_per_s=float(args.sockets),
        turn_workers=args.workers,
    )
    with open_runtime(settings) as runtime:
        app = create_app(settings, runtime=runtime, limits=limits)
        uvicorn.run(
            app,
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
            ws_max_size=1 << 20,
            backlog=2048,
        )


@dataclass
class Customer:
    index: int
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    errors: list[str] = field(default_factory=list)


async def run_customer(
    url: str,
    customer: Customer,
    turns: int,
    start: asyncio.Event,
    opened: list[int],
    resume_url: str | None = None,
) -> None:
    """One customer's conversation on ``url``, then a resume from the start on ``resume_url``
    (another process, when there are several: the transcript must be whole there too)."""
    try:
        async with connect(url, open_timeout=60, max_size=1 << 22) as ws:
            opened[0] += 1
            await start.wait()  # every socket is open before any conversation starts
            session: dict[str, Any] | None = None
            for turn in range(turns):
                question = QUESTIONS[(customer.index + turn) % len(QUESTIONS)]
                client_id = f"c{customer.index}-t{turn}"
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "id": client_id, "text": question}))
                if session is None:
                    session = await until(ws, lambda f: f["type"] == "session", 120)

                def is_reply(frame: dict[str, Any], cid: str = client_id) -> bool:
                    return frame["type"] == "message" and frame.get("reply_to") == cid

                await until(ws, is_reply, 300)
                customer.latencies.append(time.perf_counter() - sent)
            assert session is not None
        # Reconnect and resume from the start: the stored transcript must be whole.
        async with connect(resume_url or url, open_timeout=60, max_size=1 << 22) as ws:
            await ws.send(
                json.dumps({"type": "resume", "token": session["resume_token"], "last_seq": 0})
            )
            await until(ws, lambda f: f["type"] == "session", 60)
            seqs: list[int] = []
            while len(seqs) < 2 * turns:
                frame = await until(ws, lambda f: f["type"] == "message", 30)
                seqs.append(frame["seq"])
            if seqs != list(range(1, 2 * turns + 1)):
                customer.lost += 2 * turns - len(set(seqs))
                customer.errors.append(f"replayed seqs {seqs}")
    except Exception as exc:  # a customer who never got the answer counts as loss
        customer.lost += turns - len(customer.latencies)
        customer.errors.append(f"{type(exc).__name__}: {exc}")


def _open_sockets(base: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    match = re.search(r"^tideline_open_sockets ([0-9.e+]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def bench(
    args: argparse.Namespace, bases: list[str], servers: list[psutil.Process]
) -> dict[str, Any]:
    urls = [base.replace("http://", "ws://") + "/ws/chat" for base in bases]
    customers = [Customer(i) for i in range(args.sockets)]
    start, opened = asyncio.Event(), [0]
    tasks = [
        asyncio.create_task(
            run_customer(
                urls[c.index % len(urls)],
                c,
                args.turns,
                start,
                opened,
                resume_url=urls[(c.index + 1) % len(urls)],
            )
        )
        for c in customers
    ]
    deadline = time.monotonic() + 120
    while opened[0] < args.sockets and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    peak_sockets = [await asyncio.to_thread(_open_sockets, base) for base in bases]
    rss_peak = [server.memory_info().rss for server in servers]
    began = time.perf_counter()
    start.set()
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.25)
        rss_peak = [
            max(peak, s.memory_info().rss) for peak, s in zip(rss_peak, servers, strict=True)
        ]
    elapsed = time.perf_counter() - began
    latencies = sorted(x for c in customers for x in c.latencies)
    failures = [e for c in customers for e in c.errors]
    return {
        "processes": len(bases),
        "sockets": args.sockets,
        "turns_per_socket": args.turns,
        "open_sockets_reported_by_servers": [int(p) for p in peak_sockets],
        "turns_completed": len(latencies),
        "seconds": round(elapsed, 2),
        "turns_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_turn_latency_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_turn_latency_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else None,
        "messages_lost": sum(c.lost for c in customers),
        "server_rss_mb": [round(peak / 2**20, 1) for peak in rss_peak],
        "failures": failures[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=500, help="concurrent customer sockets")
    parser.add_argument("--turns", type=int, default=3, help="questions per conversation")
    parser.add_argument("--workers", type=int, default=4, help="server turn threads")
    parser.add_argument("--data-dir", default=None, help="server data dir (default: a temp dir)")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes (customers alternate between them; each resumes on the next one)",
    )
    parser.add_argument("--database-url", default=None, help="PostgreSQL, for several processes")
    parser.add_argument("--redis-url", default=None, help="Redis, for several processes")
    parser.add_argument(
        "--chroma-url",
        default=None,
        help="Chroma server (several processes; default: one is started)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return 0
    if args.sockets < 1 or args.turns < 1 or args.processes < 1:
        parser.error("--sockets, --turns and --processes must be at least 1")
    if args.processes > 1 and not (args.database_url and args.redis_url):
        parser.error(
            "several processes share PostgreSQL and Redis: give --database-url and --redis-url"
        )
    with tempfile.TemporaryDirectory(prefix="tideline-bench-") as tmp, ExitStack() as stack:
        data_dir = args.data_dir or tmp
        env = {}
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
            env["TIDELINE_REDIS_PREFIX"] = f"tideline-bench-{os.getpid()}"
        if args.processes > 1:
            env["CHROMA_URL"] = args.chroma_url or stack.enter_context(chroma_server(tmp))
        bases: list[str] = []
        children: list[psutil.Process] = []
        try:
            for index in range(args.processes):
                port = (args.port + index) if args.port else free_port()
                command = [
                    sys.executable, __file__, "--serve", "--port", str(port),
                    "--data-dir", data_dir, "--sockets", str(args.sockets),
                    "--workers", str(args.workers),
                ]  # fmt: skip
                base, child = stack.enter_context(server_process(command, port=port, env=env))
                bases.append(base)
                children.append(psutil.Process(child.pid))
        except RuntimeError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
        result = asyncio.run(bench(args, bases, children))
    print(json.dumps(result, indent=2))
    return 0 if result["messages_lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
