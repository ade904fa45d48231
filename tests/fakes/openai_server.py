"""A real OpenAI-compatible HTTP server on 127.0.0.1 with scripted answers, latency and failures."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Failure = Literal["http_500", "hang", "malformed_body", "drop_mid_stream"]


@dataclass
class ScriptedReply:
    """What the fake model answers to one request.

    ``text`` is streamed in ``words_per_chunk`` word groups. ``structured`` answers a request for
    structured output: as a tool call when the request offers tools, as JSON content otherwise;
    ``raw_arguments`` sends that exact string instead (to script malformed model output).
    """

    text: str = "OK."
    structured: dict[str, Any] | None = None
    raw_arguments: str | None = None
    first_token_delay_s: float = 0.0
    token_delay_s: float = 0.0
    words_per_chunk: int = 1
    failure: Failure | None = None
    hang_s: float = 30.0  # how long "hang" keeps the client waiting (the server's stop ends it)
    drop_after_chunks: int = 2


class _Dropped(Exception):
    """Raised inside a streaming body so uvicorn closes the socket without the final chunk."""


@dataclass
class _Rule:
    contains: str
    reply: ScriptedReply


@dataclass
class FakeOpenAIServer:
    """The server and its script. Start with :meth:`start` (or use the ``openai_server`` fixture).

    Answers are chosen in this order: the next queued reply, the first rule whose text occurs in the
    last user message (case-insensitive), then ``default``.
    """

    default: ScriptedReply = field(default_factory=ScriptedReply)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _queue: deque[ScriptedReply] = field(default_factory=deque)
    _rules: list[_Rule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: bool = False
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    port: int = 0

    # -- scripting ---------------------------------------------------------------------------

    def enqueue(self, *replies: ScriptedReply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def when(self, contains: str, reply: ScriptedReply) -> None:
        with self._lock:
            self._rules.append(_Rule(contains.lower(), reply))

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._rules.clear()
            self.requests.clear()
            self.default = ScriptedReply()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
        config = uvicorn.Config(
            app, log_level="critical", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._stopping = True
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- the endpoint ------------------------------------------------------------------------

    def _pick(self, body: dict[str, Any]) -> ScriptedReply:
        last_user = ""
        for message in body.get("messages", []):
            if message.get("role") == "user":
                last_user = _content_text(message.get("content"))
        with self._lock:
            self.requests.append(body)
            if self._queue:
                return self._queue.popleft()
            for rule in self._rules:
                if rule.contains in last_user.lower():
                    return rule.reply
            return self.default

    async def _sleep(self, seconds: float) -> None:
        # Sleeps in short steps so stopping the server never waits for a scripted hang.
        end = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < end:
            await asyncio.sleep(min(0.05, max(0.0, end - time.monotonic())))

    async def _completions(self, request: Request) -> Response:
        body = await request.json()
        reply = self._pick(body)
        model = body.get("model", "fake")
        if reply.failure == "http_500":
            return JSONResponse(
                {"error": {"message": "scripted failure", "type": "server_error"}}, status_code=500
            )
        if reply.failure == "hang":
            await self._sleep(reply.hang_s)
            return JSONResponse({"error": {"message": "hung"}}, status_code=504)
        if reply.failure == "malformed_body":
            return Response("{not json", media_type="application/json")
        await self._sleep(reply.first_token_delay_s)
        if body.get("stream"):
            return StreamingResponse(self._chunks(reply, model), media_type="text/event-stream")
        return JSONResponse(_completion(reply, body, model))

    async def _chunks(self, reply: ScriptedReply, model: str) -> AsyncIterator[bytes]:
        words = reply.text.split(" ")
        groups = [
            " ".join(words[i : i + reply.words_per_chunk])
            for i in range(0, len(words), reply.words_per_chunk)
        ]
        for index, group in enumerate(groups):
            if reply.failure == "drop_mid_stream" and index == reply.drop_after_chunks:
                raise _Dropped("scripted drop")
            if index:
                await self._sleep(reply.token_delay_s)
            delta = group if index == 0 else " " + group
            yield _sse(
                _chunk(
                    model,
                    {"role": "assistant", "content": delta} if index == 0 else {"content": delta},
                    None,
                )
            )
        yield _sse(_chunk(model, {}, "stop"))
        yield b"data: [DONE]\n\n"


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _sse(payload: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(payload)}\n\n".encode()


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(reply: ScriptedReply, body: dict[str, Any], model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    finish = "stop"
    wants_structure = reply.structured is not None or reply.raw_arguments is not None
    arguments = reply.raw_arguments
    if arguments is None and reply.structured is not None:
        arguments = json.dumps(reply.structured)
    if wants_structure and body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
        finish = "tool_calls"
    elif wants_structure:
        message["content"] = arguments
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


@pytest.fixture(scope="session")
def _openai_server_process() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer().start()
    yield server
    server.stop()


@pytest.fixture
def openai_server(_openai_server_process: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The fake OpenAI server with an empty script and no recorded requests."""
    _openai_server_process.reset()
    yield _openai_server_process
    _openai_server_process.reset()
