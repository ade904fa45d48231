"""The HTTP side of the server: health, readiness, Prometheus metrics, widget and demo page."""

from __future__ import annotations

import asyncio
import re
import stat

import httpx
import pytest
from channel_support import RunningServer, bot_reply, open_client
from fastapi.testclient import TestClient
from pydantic import SecretStr

from server.app import create_app
from server.channel.resume_tokens import (
    InsecureSecret,
    InvalidResumeToken,
    ResumeTokens,
    signing_secret,
)
from server.settings import ServerSettings


def _metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} ([0-9.e+-]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_health_and_readiness(chat_server: RunningServer) -> None:
    assert httpx.get(f"{chat_server.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{chat_server.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"records": True, "knowledge_base": True, "events": True}


def test_the_api_schema_is_private_and_the_console_cannot_be_framed(
    chat_server: RunningServer, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(f"{chat_server.url}/openapi.json").status_code == 404
    assert httpx.get(f"{chat_server.url}/docs").status_code == 404
    page = httpx.get(f"{chat_server.url}/console")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"
    # A team that wants the schema turns it on.
    with TestClient(create_app(ServerSettings(data_dir=tmp_path, api_docs=True))) as client:
        assert "/api/handoffs" in client.get("/openapi.json").json()["paths"]


def test_metrics_count_turns_escalations_sockets_and_errors(chat_server: RunningServer) -> None:
    def scrape() -> str:
        response = httpx.get(f"{chat_server.url}/metrics")
        assert response.status_code == 200
        return response.text

    before = scrape()

    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("q", "How do I reset my password?")
        await client.until(bot_reply)
        await client.say("p", "Let me speak to a person please")
        await client.until(lambda f: f["type"] == "handoff")
        await client.send("{nope")
        await client.until(lambda f: f["type"] == "error")
        during = scrape()
        assert _metric(during, "tideline_open_sockets") >= 1
        await client.close()

    asyncio.run(scenario())
    after = scrape()
    turns = "tideline_turn_latency_seconds_count"
    assert _metric(after, turns) == _metric(before, turns) + 2
    rule = '{rule="explicit_request"}'
    assert _metric(after, "tideline_escalations_total", rule) == (
        _metric(before, "tideline_escalations_total", rule) + 1
    )
    invalid = '{code="invalid_json"}'
    assert _metric(after, "tideline_errors_total", invalid) == (
        _metric(before, "tideline_errors_total", invalid) + 1
    )


def test_widget_and_demo_page_are_served(chat_server: RunningServer) -> None:
    page = httpx.get(f"{chat_server.url}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # The widget's page, like the console, runs only its own scripts and cannot be framed.
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<script src="/widget.js"' in page.text
    widget = httpx.get(f"{chat_server.url}/widget.js")
    assert widget.status_code == 200
    assert "javascript" in widget.headers["content-type"]
    assert "/ws/chat" in widget.text


def test_production_refuses_the_default_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InsecureSecret, match="TIDELINE_SECRET_KEY"):
        create_app(ServerSettings(data_dir=tmp_path, environment="production"))
    with pytest.raises(InsecureSecret):
        create_app(
            ServerSettings(
                data_dir=tmp_path, environment="production", secret_key=SecretStr("short")
            )
        )
    create_app(
        ServerSettings(data_dir=tmp_path, environment="production", secret_key=SecretStr("x" * 40))
    )


def test_without_a_key_the_secret_is_random_private_and_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No TIDELINE_SECRET_KEY: nobody can forge tokens with a value printed in the source."""
    first = signing_secret(ServerSettings(data_dir=tmp_path))
    assert first != b"dev-only-insecure-secret" and len(first) >= 48
    secret_file = tmp_path / "secret_key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # A restart keeps it (a resume token issued before still verifies); another data dir differs.
    assert signing_secret(ServerSettings(data_dir=tmp_path)) == first
    assert signing_secret(ServerSettings(data_dir=tmp_path / "other")) != first
    token = ResumeTokens(first).issue("conv-a")
    with pytest.raises(InvalidResumeToken):
        ResumeTokens(b"dev-only-insecure-secret").verify(token)
    assert ResumeTokens(signing_secret(ServerSettings(data_dir=tmp_path))).verify(token) == "conv-a"


def test_resume_tokens_are_bound_to_a_conversation_and_a_secret() -> None:
    clock = [1_800_000_000.0]
    tokens = ResumeTokens(b"one secret", clock=lambda: clock[0], max_age_s=3600)
    token = tokens.issue("conv-a")
    assert tokens.verify(token) == "conv-a"
    assert tokens.verify(token, conversation_id="conv-a") == "conv-a"
    with pytest.raises(InvalidResumeToken):
        tokens.verify(token, conversation_id="conv-b")
    with pytest.raises(InvalidResumeToken):
        ResumeTokens(b"another secret", clock=lambda: clock[0]).verify(token)
    clock[0] += 3601
    with pytest.raises(InvalidResumeToken):
        tokens.verify(token)
