"""The FastAPI app: the customer socket, the widget and its demo page, health and metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.requests import HTTPConnection

from agent.settings import Settings
from server.agent_api import router as agent_api_router
from server.chat_socket import Channel, serve_chat_socket
from server.conversation_hub import ConversationHub
from server.metrics import ChannelMetrics
from server.rate_limits import AddressSockets, ChannelLimits
from server.resume_tokens import ResumeTokens, signing_secret
from server.runtime import Runtime, open_runtime

STATIC = Path(__file__).parent / "static"


def get_channel(connection: HTTPConnection) -> Channel:
    return connection.app.state.channel  # type: ignore[no-any-return]


def get_runtime(connection: HTTPConnection) -> Runtime:
    return connection.app.state.runtime  # type: ignore[no-any-return]


ChannelDep = Annotated[Channel, Depends(get_channel)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def create_app(
    settings: Settings, *, runtime: Runtime | None = None, limits: ChannelLimits | None = None
) -> FastAPI:
    """The server app. Without ``runtime`` it opens one from ``settings`` at startup.

    Raises ``InsecureSecret`` in production when the secret key is the development default.
    """
    tokens = ResumeTokens(signing_secret(settings))
    limits = limits or ChannelLimits()
    metrics = ChannelMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            opened: Runtime = (
                runtime
                if runtime is not None
                else await asyncio.to_thread(stack.enter_context, open_runtime(settings))
            )
            hub = ConversationHub(
                opened.conversations, metrics=metrics, turn_workers=limits.turn_workers
            )
            app.state.runtime = opened
            app.state.channel = Channel(
                service=opened.conversations,
                hub=hub,
                tokens=tokens,
                limits=limits,
                metrics=metrics,
                addresses=AddressSockets(
                    limits.sockets_per_address,
                    messages_burst=limits.address_messages_burst,
                    messages_per_s=limits.address_messages_per_s,
                ),
            )
            try:
                yield
            finally:
                await hub.close()

    app = FastAPI(title="Tideline", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.include_router(agent_api_router)

    @app.websocket("/ws/chat")
    async def chat(websocket: WebSocket, channel: ChannelDep) -> None:
        await serve_chat_socket(websocket, channel)

    @app.get("/", include_in_schema=False)
    async def demo_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> FileResponse:
        return FileResponse(
            STATIC / "widget.js",
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(runtime: RuntimeDep) -> JSONResponse:
        checks = await asyncio.to_thread(_readiness, runtime)
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return app


def _readiness(runtime: Runtime) -> dict[str, bool]:
    checks = {"records": False, "knowledge_base": False}
    # Any failure means not ready; the response says which part failed.
    with suppress(Exception), runtime.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        checks["records"] = True
    with suppress(Exception):
        checks["knowledge_base"] = runtime.knowledge_base.count() > 0
    return checks
