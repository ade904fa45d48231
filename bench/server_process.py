"""Starts Tideline server processes for the benchmarks (and a Chroma server), waits until they
answer, and reads a socket until the frame a benchmark waits for."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(child: subprocess.Popen[bytes], base: str, *, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if child.poll() is not None:
            raise RuntimeError(f"the server on {base} exited during startup")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server on {base} did not become ready")
        time.sleep(0.3)


@contextmanager
def server_process(
    command: Sequence[str], *, port: int, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run ``command`` (a server listening on ``port``) until the block ends; yields its URL."""
    child = subprocess.Popen(list(command), cwd=REPO, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(child, base)
        yield base, child
    finally:
        child.terminate()
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()


def tideline(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the `tideline` command of this interpreter's environment; returns its stdout."""
    script = Path(sys.executable).with_name("tideline")
    done = subprocess.run(
        [str(script), *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@contextmanager
def chroma_server(work_dir: str) -> Iterator[str]:
    """A Chroma server from the installed chromadb package on a free port; yields its URL."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    child = subprocess.Popen(
        [str(chroma), "run", "--path", f"{work_dir}/chroma-server", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Chroma server did not start")
            time.sleep(0.3)
        yield url
    finally:
        child.terminate()
        child.wait(timeout=30)


async def until(ws: ClientConnection, predicate: Any, timeout: float = 30) -> dict[str, Any]:
    """Receive until a frame matches ``predicate``; an error frame fails the benchmark."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if frame["type"] == "error":
            raise RuntimeError(f"{frame['code']}: {frame['message']}")
        if predicate(frame):
            return frame  # type: ignore[no-any-return]
