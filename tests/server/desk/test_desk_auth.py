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


def test_the_console_signs_in_with_a_cookie_that_only_works_from_its_own_pages(
    desk_server: RunningServer, make_account: Callable[..., Account], desk_runtime: Runtime
) -> None:
    agent_id, token = make_account()
    with httpx.Client(base_url=desk_server.url) as api:
        refused = api.post("/api/session", json={"token": "nope.nope"})
        assert refused.status_code == 401 and "not a valid agent token" in refused.json()["detail"]
        signed_in = api.post("/api/session", json={"token": token})
        assert signed_in.status_code == 200
        assert signed_in.json() == {
            "id": agent_id,
            "name": signed_in.json()["name"],
            "role": "agent",
            "live_scores": False,
        }
        cookie = signed_in.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert token not in cookie  # the token itself never goes into the cookie
        # The client now holds the cookie: the API answers without a bearer token...
        assert api.get("/api/me").json()["id"] == agent_id
        assert api.get("/api/handoffs").status_code == 200
        # ...but not to a page of another site using the agent's browser.
        foreign = api.post("/api/handoffs/x/claim", headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 401
        same_site = api.get("/api/me", headers={"Origin": desk_server.url})
        assert same_site.status_code == 200
        # A forged cookie is refused.
        api.cookies.set("tideline_console", "v1.forged.0.sig")
        assert api.get("/api/me").status_code == 401
    # A disabled agent's cookie stops working at once.
    with httpx.Client(base_url=desk_server.url) as api:
        api.post("/api/session", json={"token": token})
        with Session(desk_runtime.engine) as session:
            disable_agent(session=session, agent_id=agent_id)
        assert api.get("/api/me").status_code == 401
    # Signing out clears the cookie.
    _, other = make_account()
    with httpx.Client(base_url=desk_server.url) as api:
        api.post("/api/session", json={"token": other})
        assert api.delete("/api/session").status_code == 204
        assert api.get("/api/me").status_code == 401


def test_only_supervisors_read_the_desk_figures(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()
    _, supervisor = make_account("supervisor")
    with httpx.Client(base_url=desk_server.url) as api:
        assert api.get("/api/stats", headers=bearer(agent)).status_code == 403
        figures = api.get("/api/stats?days=30", headers=bearer(supervisor))
        assert figures.status_code == 200
        assert figures.json()["window_days"] == 30 and figures.json()["healthy_band"] == [
            0.05,
            0.15,
        ]
        assert api.get("/api/stats?days=0", headers=bearer(supervisor)).status_code == 422
