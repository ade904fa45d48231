"""The FastAPI app: the customer socket, the widget and its demo page, health and metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from pathlib import Path

from fastapi import FastAPI, HTTPException, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from server.channel.channel import Channel
from server.channel.client_address import TrustedProxies, parse_networks
from server.channel.help_pages import router as help_pages_router
from server.channel.rate_limits import AddressLimits, AddressSockets, ChannelLimits
from server.channel.resume_tokens import ResumeTokens, previous_secrets, signing_secret
from server.channel.socket import serve_chat_socket
from server.deps import ChannelDep, DeskDep, RuntimeDep
from server.desk.actions import router as desk_actions_router
from server.desk.api import router as agent_api_router
from server.desk.auth import console_session_tokens
from server.desk.feed import DeskFeed
from server.desk.history_api import router as history_router
from server.desk.queue_positions import QueuePositions
from server.desk.replies_api import router as replies_router
from server.desk.socket import Desk, serve_agent_socket
from server.events.bus import EventBus, Frame, LocalEventBus
from server.metrics import ChannelMetrics
from server.proactive.wiring import include_proactive_routes, proactive_support
from server.quality.api import router as quality_router
from server.quality.idle import IdleCloser
from server.quality.meter import quality_meter
from server.runtime import Runtime, open_runtime
from server.settings import ServerSettings
from server.turns.hub import ConversationHub
from server.turns.locks import ConversationLocks
from server.turns.runner import TurnRunner

STATIC = Path(__file__).parent / "static"


def build_bus(settings: ServerSettings) -> EventBus:
    """Redis pub/sub when REDIS_URL is set (several server processes), else in process."""
    if settings.redis_url:
        from server.events.redis_bus import RedisEventBus

        return RedisEventBus(settings.redis_url, prefix=settings.redis_prefix)
    return LocalEventBus()


@asynccontextmanager
async def address_limits(
    settings: ServerSettings, limits: ChannelLimits
) -> AsyncIterator[AddressLimits]:
    """Per-address limits: shared by every process through Redis when REDIS_URL is set."""
    if settings.redis_url:
        from server.events.redis_limits import RedisAddressLimits, limits_client

        client = limits_client(settings.redis_url)
        shared: AddressLimits = RedisAddressLimits(
            client,
            prefix=settings.redis_prefix,
            limit=limits.sockets_per_address,
            messages_burst=limits.address_messages_burst,
            messages_per_s=limits.address_messages_per_s,
        )
        try:
            await shared.start()
            yield shared
        finally:
            await shared.close()
            await client.aclose()
        return
    yield AddressSockets(
        limits.sockets_per_address,
        messages_burst=limits.address_messages_burst,
        messages_per_s=limits.address_messages_per_s,
    )


# The console's scripts beside console.js (one conversation, the chart, history and figures).
CONSOLE_PARTS = frozenset({"detail", "chart", "views", "outreach", "quality"})

# The console shows customers' words to agents, the widget's page shows the bot's and agents'
# words to customers: each runs only its own scripts, cannot be framed, and leaks no address
# through the Referer header.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def create_app(
    settings: ServerSettings, *, runtime: Runtime | None = None, limits: ChannelLimits | None = None
) -> FastAPI:
    """The server app. Without ``runtime`` it opens one from ``settings`` at startup.

    Raises ``InsecureSecret`` in production when the secret key is the development default.
    """
    secret, previous = signing_secret(settings), previous_secrets(settings)
    tokens = ResumeTokens(secret, previous=previous)
    sessions = console_session_tokens(
        secret, hours=settings.console_session_hours, previous=previous
    )
    limits = limits or ChannelLimits()
    metrics = ChannelMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Parts close in the reverse order: consoles' feed, running turns, the bus, the limits.
        async with AsyncExitStack() as stack:
            opened: Runtime = (
                runtime
                if runtime is not None
                else await asyncio.to_thread(stack.enter_context, open_runtime(settings))
            )
            addresses = await stack.enter_async_context(address_limits(settings, limits))
            bus = build_bus(settings)
            hub = ConversationHub(metrics=metrics, bus=bus)
            turns = TurnRunner(
                opened.conversations,
                hub,
                metrics=metrics,
                locks=ConversationLocks(opened.engine),
                turn_workers=limits.turn_workers,
            )
            feed = DeskFeed(
                engine=opened.engine,
                bus=bus,
                clock=opened.conversations.clock,
                wait_raise_s=settings.handoff_wait_raise_s,
            )
            turns.handoff_listeners.append(feed.announce)
            positions = QueuePositions(opened.conversations, hub)
            feed.queue_listeners.append(positions.on_queue_event)

            def dispatch(topic: str, frame: Frame) -> None:
                if not hub.on_event(topic, frame):
                    feed.on_event(topic, frame)

            bus.listen(dispatch)
            bus.on_resubscribe(hub.resync)
            bus.on_resubscribe(feed.resync)
            await bus.start()
            stack.push_async_callback(bus.close)
            stack.push_async_callback(turns.close)
            feed.start()
            stack.push_async_callback(feed.close)
            stack.push_async_callback(positions.close)
            await stack.enter_async_context(proactive_support(app, settings, opened))
            app.state.runtime = opened
            app.state.console_sessions = sessions
            app.state.desk = Desk(
                runtime=opened,
                hub=hub,
                feed=feed,
                sessions=sessions,
                live_scores=settings.console_live_scores,
            )
            meter = quality_meter(settings, opened)
            idle = IdleCloser.every_so_often(
                meter,
                hub,
                idle_s=settings.idle_close_minutes * 60,
                handoff_listeners=turns.handoff_listeners,
            )
            idle.start()
            stack.push_async_callback(idle.close)
            app.state.quality = meter
            app.state.channel = Channel(
                service=opened.conversations,
                hub=hub,
                turns=turns,
                tokens=tokens,
                limits=limits,
                metrics=metrics,
                addresses=addresses,
                proxies=TrustedProxies(parse_networks(settings.trusted_proxies.split(","))),
                customer_secret=(
                    settings.customer_secret.get_secret_value()
                    if settings.customer_secret
                    else None
                ),
                quality=meter,
            )
            yield

    # The API's schema and its docs page describe every call to whoever asks: off unless wanted.
    app = FastAPI(
        title="Tideline",
        lifespan=lifespan,
        docs_url="/docs" if settings.api_docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.include_router(agent_api_router)
    app.include_router(desk_actions_router)
    app.include_router(history_router)
    app.include_router(replies_router)
    include_proactive_routes(app)
    app.include_router(quality_router)
    app.include_router(help_pages_router)

    @app.websocket("/ws/chat")
    async def chat(websocket: WebSocket, channel: ChannelDep) -> None:
        await serve_chat_socket(websocket, channel)

    @app.websocket("/ws/agent")
    async def agent_socket(websocket: WebSocket, desk: DeskDep) -> None:
        await serve_agent_socket(websocket, desk)

    @app.get("/console", include_in_schema=False)
    @app.get("/console/outreach", include_in_schema=False)
    @app.get("/console/quality", include_in_schema=False)
    async def console_page() -> FileResponse:
        return FileResponse(STATIC / "console.html", media_type="text/html", headers=PAGE_HEADERS)

    @app.get("/console.js", include_in_schema=False)
    async def console_script() -> FileResponse:
        return FileResponse(STATIC / "console.js", media_type="application/javascript")

    @app.get("/console-{part}.js", include_in_schema=False)
    async def console_part(part: str) -> FileResponse:
        if part not in CONSOLE_PARTS:
            raise HTTPException(status_code=404)
        return FileResponse(STATIC / f"console-{part}.js", media_type="application/javascript")

    @app.get("/", include_in_schema=False)
    async def demo_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html", headers=PAGE_HEADERS)

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
    async def readyz(runtime: RuntimeDep, desk: DeskDep) -> JSONResponse:
        checks = await asyncio.to_thread(_readiness, runtime)
        checks["events"] = desk.hub.bus.healthy()
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
