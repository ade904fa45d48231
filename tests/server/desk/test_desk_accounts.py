"""Switching credentials: `tideline agents disable` and `rotate` take effect on the next request,
and a rotated signing secret keeps earlier resume tokens and console sessions valid until removed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from desk_support import Account, bearer, open_console
from pydantic import SecretStr
from sqlmodel import Session

from server.app import create_app
from server.channel.resume_tokens import ResumeTokens
from server.cli import main
from server.records.models import Agent
from server.runtime import Runtime
from server.settings import ServerSettings
from tests.server.channel.channel_support import (
    TEST_LIMITS,
    RunningServer,
    bot_reply,
    open_client,
)

KEY_A, KEY_B = "a" * 40, "b" * 40


def agent_name(runtime: Runtime, agent_id: str) -> str:
    with Session(runtime.engine) as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        return agent.name


def tideline(runtime: Runtime, *args: str) -> int:
    return main([*args, "--data-dir", str(runtime.settings.data_dir)])


def test_a_disabled_agent_is_told_so_on_every_credential(
    desk_server: RunningServer,
    desk_runtime: Runtime,
    make_account: Callable[..., Account],
    capsys: pytest.CaptureFixture[str],
) -> None:
    agent_id, token = make_account()
    name = agent_name(desk_runtime, agent_id)
    with httpx.Client(base_url=desk_server.url) as console:
        assert console.post("/api/session", json={"token": token}).status_code == 200
        assert tideline(desk_runtime, "agents", "disable", name) == 0
        assert f"disabled {name!r}" in capsys.readouterr().out
        # The signed-in console, the bearer token and a new sign-in all say why.
        for refused in (
            console.get("/api/me"),
            console.get("/api/handoffs", headers=bearer(token)),
            console.post("/api/session", json={"token": token}),
        ):
            assert refused.status_code == 401
            assert "disabled" in refused.json()["detail"]

    async def socket() -> None:
        console = await open_console(desk_server, token=token)
        refusal = await console.recv()
        assert (refusal["code"], refusal["fatal"]) == ("account_disabled", True)

    asyncio.run(socket())
    assert tideline(desk_runtime, "agents", "disable", name) == 2
    assert capsys.readouterr().err.strip() == f"tideline: the agent {name!r} is already disabled"
    assert tideline(desk_runtime, "agents", "rotate", "nobody-by-this-name") == 2
    assert "no agent named 'nobody-by-this-name'" in capsys.readouterr().err


def test_a_rotated_token_ends_the_old_token_and_its_sessions(
    desk_server: RunningServer,
    desk_runtime: Runtime,
    make_account: Callable[..., Account],
    capsys: pytest.CaptureFixture[str],
) -> None:
    agent_id, old = make_account()
    with httpx.Client(base_url=desk_server.url) as console:
        assert console.post("/api/session", json={"token": old}).status_code == 200
        assert console.get("/api/me").status_code == 200
        assert tideline(desk_runtime, "agents", "rotate", agent_name(desk_runtime, agent_id)) == 0
        new = capsys.readouterr().out.split("token (shown once, store it now): ")[1].strip()
        assert new != old and new.startswith(f"{agent_id}.")
        assert console.get("/api/me").status_code == 401  # the session signed in with the old one
        assert console.get("/api/me", headers=bearer(old)).status_code == 401
        assert console.get("/api/me", headers=bearer(new)).json()["id"] == agent_id
        assert console.post("/api/session", json={"token": new}).status_code == 200
        assert console.get("/api/me").status_code == 200


def server_with(runtime: Runtime, data_dir: Path, key: str, previous: str | None) -> RunningServer:
    settings = ServerSettings(
        data_dir=data_dir,
        secret_key=SecretStr(key),
        previous_secret_keys=SecretStr(previous) if previous else None,
    )
    return RunningServer(create_app(settings, runtime=runtime, limits=TEST_LIMITS))


def test_a_previous_secret_still_verifies_until_it_is_removed(
    desk_runtime: Runtime, make_account: Callable[..., Account], tmp_path: Path
) -> None:
    _, token = make_account()

    async def session_on(server: RunningServer) -> tuple[str, str]:
        client = await open_client(server)
        await client.say("rot-1", "How do I reset my password?")
        session = await client.until(lambda f: f["type"] == "session")
        await client.until(bot_reply)
        await client.close()
        return session["conversation_id"], session["resume_token"]

    async def resumes(server: RunningServer, resume_token: str) -> dict[str, object]:
        client = await open_client(server)
        await client.send({"type": "resume", "token": resume_token, "last_seq": 0})
        answer = await client.until(lambda f: f["type"] in ("session", "error"))
        await client.close()
        return answer

    with (
        server_with(desk_runtime, tmp_path, KEY_A, None) as before,
        httpx.Client(base_url=before.url) as console,
    ):
        conversation_id, resume_token = asyncio.run(session_on(before))
        cookie = console.post("/api/session", json={"token": token}).cookies["tideline_console"]
    with server_with(desk_runtime, tmp_path, KEY_B, f" {KEY_A} , other") as rotating:
        answer = asyncio.run(resumes(rotating, resume_token))
        assert (answer["type"], answer["conversation_id"]) == ("session", conversation_id)
        # Everything new is signed with the current key only.
        assert ResumeTokens(KEY_B.encode()).verify(answer["resume_token"]) == conversation_id
        with httpx.Client(base_url=rotating.url, cookies={"tideline_console": cookie}) as api:
            assert api.get("/api/me").status_code == 200
    with server_with(desk_runtime, tmp_path, KEY_B, None) as after:
        answer = asyncio.run(resumes(after, resume_token))
        assert (answer["type"], answer["code"]) == ("error", "invalid_resume_token")
        with httpx.Client(base_url=after.url, cookies={"tideline_console": cookie}) as api:
            assert api.get("/api/me").status_code == 401


def test_an_open_console_is_closed_once_its_agent_is_disabled_or_rotated(
    desk_runtime: Runtime, make_account: Callable[..., Account]
) -> None:
    app = create_app(desk_runtime.settings, runtime=desk_runtime, limits=TEST_LIMITS)
    disabled_id, disabled = make_account()
    rotated_id, rotated = make_account()

    async def scenario(server: RunningServer) -> None:
        app.state.desk.account_check_s = 0.2  # seconds between checks, instead of 15
        consoles = [await open_console(server, token=t) for t in (disabled, rotated)]
        for console in consoles:
            await console.until(lambda f: f["type"] == "queue")
        await asyncio.to_thread(
            tideline, desk_runtime, "agents", "disable", agent_name(desk_runtime, disabled_id)
        )
        await asyncio.to_thread(
            tideline, desk_runtime, "agents", "rotate", agent_name(desk_runtime, rotated_id)
        )
        for console, code in zip(consoles, ("account_disabled", "signed_out"), strict=True):
            refusal = await console.until(lambda f: f["type"] == "error", timeout=5)
            assert (refusal["code"], refusal["fatal"]) == (code, True)
            await asyncio.wait_for(console.connection.wait_closed(), 5)
            assert console.connection.close_code == 4401

    with RunningServer(app) as server:
        asyncio.run(scenario(server))
