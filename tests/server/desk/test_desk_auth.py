"""Who may call the agent API: only active agents and supervisors with their bearer token."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from desk_support import Account, bearer, handoff_of, queued_customer
from sqlmodel import Session

from server.records.agents import disable_agent
from server.runtime import Runtime
from tests.server.channel.channel_support import RunningServer


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer 00000000-0000-0000-0000-000000000000.wrong-secret"},
    ],
    ids=["anonymous", "empty", "basic", "garbage", "unknown-agent"],
)
def test_callers_without_an_agent_token_are_refused(
    desk_server: RunningServer, headers: dict[str, str]
) -> None:
    with httpx.Client(base_url=desk_server.url) as api:
        for method, path in [
            ("GET", "/api/handoffs"),
            ("GET", "/api/handoffs/some-id"),
            ("POST", "/api/handoffs/some-id/claim"),
        ]:
            response = api.request(method, path, headers=headers)
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
            assert "Authorization: Bearer" in response.json()["detail"]


def test_a_customer_resume_token_never_reaches_the_agent_api(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "auth")
        resume_token = client.of_type("session")[0]["resume_token"]
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            for method, path in [
                ("GET", "/api/handoffs"),
                ("GET", f"/api/handoffs/{handoff['id']}"),
                ("POST", f"/api/handoffs/{handoff['id']}/claim"),
            ]:
                response = await api.request(method, path, headers=bearer(resume_token))
                assert response.status_code == 401, (method, path)
            # Nothing moved: the handoff is still waiting for an agent.
            assert (await handoff_of(api, supervisor, conversation_id))["status"] == "waiting"
        await client.close()

    asyncio.run(scenario())


def test_a_disabled_agent_is_refused_from_then_on(
    desk_server: RunningServer, desk_runtime: Runtime, make_account: Callable[..., Account]
) -> None:
    agent_id, token = make_account("agent")
    with httpx.Client(base_url=desk_server.url) as api:
        assert api.get("/api/handoffs", headers=bearer(token)).status_code == 200
        with Session(desk_runtime.engine) as session:
            disable_agent(session=session, agent_id=agent_id)
        assert api.get("/api/handoffs", headers=bearer(token)).status_code == 401


def test_a_tampered_secret_of_a_real_agent_is_refused(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, token = make_account("agent")
    agent_id, _, secret = token.partition(".")
    with httpx.Client(base_url=desk_server.url) as api:
        forged = f"{agent_id}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
        assert api.get("/api/handoffs", headers=bearer(forged)).status_code == 401
