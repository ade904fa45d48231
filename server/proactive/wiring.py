"""Puts proactive support into the app: its routes, the webhook sender and the periodic scan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI

from agent.llm import build_chat_model
from agent.outreach.policy import read_outreach_policy
from agent.outreach.scan import ScanSetup
from agent.sentiment.llm import LLMAnalyzer
from server.events.redis_lease import RedisLease
from server.proactive.desk_api import router as desk_router
from server.proactive.host_api import router as host_router
from server.proactive.review_api import router as review_router
from server.proactive.scan import HOLDER, LEASE, PeriodicScan
from server.proactive.webhook import WebhookSender
from server.runtime import Runtime
from server.settings import ServerSettings


def include_proactive_routes(app: FastAPI) -> None:
    # The report's fixed path goes before the desk's /api/outreach/{item_id}.
    app.include_router(review_router)
    app.include_router(desk_router)
    app.include_router(host_router)


@asynccontextmanager
async def proactive_support(
    app: FastAPI, settings: ServerSettings, runtime: Runtime
) -> AsyncIterator[None]:
    """The webhook sender (when a URL and secret are set) and the periodic scan (when on)."""
    clock = runtime.conversations.clock
    sender = None
    if settings.outreach_webhook_url and settings.outreach_webhook_secret:
        sender = WebhookSender(
            engine=runtime.engine,
            url=settings.outreach_webhook_url,
            secret=settings.outreach_webhook_secret.get_secret_value().encode(),
            clock=clock,
            attempts=settings.outreach_webhook_attempts,
            backoff_s=settings.outreach_webhook_backoff_s,
        )
        sender.resume_pending()
    app.state.outreach_webhook = sender
    policy = read_outreach_policy(settings.outreach_policy_path)
    chat_model = build_chat_model(settings)

    # The scan reads every stored message of every customer: with the offline reader, never the
    # chat model (the LLM analyzer's fallback is the offline reader the turns already loaded).
    analyzer = runtime.analyzer
    if isinstance(analyzer, LLMAnalyzer):
        analyzer = analyzer.fallback

    def make_setup() -> ScanSetup:
        now = datetime.fromtimestamp(clock(), tz=UTC)
        return ScanSetup(analyzer, policy, now, chat_model)

    redis_lease = None
    if settings.redis_url and settings.outreach_scan_interval_s > 0:
        redis_lease = RedisLease.from_url(
            settings.redis_url, prefix=settings.redis_prefix, name=LEASE, holder=HOLDER
        )
    scan = PeriodicScan(
        engine=runtime.engine,
        make_setup=make_setup,
        interval_s=settings.outreach_scan_interval_s,
        clock=clock,
        redis_lease=redis_lease,
    )
    app.state.outreach_scan = scan
    scan.start()
    try:
        yield
    finally:
        await scan.close()
        if sender is not None:
            await sender.close()
