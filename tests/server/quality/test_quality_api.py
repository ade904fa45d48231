"""/api/quality: the figures for the team, and the per-person view for supervisors only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from tests.server.channel.channel_support import RunningServer, bot_reply, open_client
from tests.server.desk.desk_support import bearer


async def ended_conversation(server: RunningServer, text: str, score: int | None) -> None:
    client = await open_client(server)
    await client.say("m1", text)
    await client.until(bot_reply)
    await client.send({"type": "end"})
    await client.until(lambda f: f["type"] == "rating_request")
    if score is not None:
        await client.send({"type": "rating", "score": score})
        await client.until(lambda f: f["type"] == "rated")
    await client.close()


def test_the_summary_counts_every_ended_conversation_and_the_surveyed_ones(
    quality_server: RunningServer, make_account: Callable[..., tuple[str, str]]
) -> None:
    _, token = make_account()

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=quality_server.url) as api:
            before = (await api.get("/api/quality/summary", headers=bearer(token))).json()
            await ended_conversation(quality_server, "How long does a refund take?", 4)
            await ended_conversation(quality_server, "Where is my invoice?", None)
            after = (await api.get("/api/quality/summary", headers=bearer(token))).json()
        grew = {k: after["coverage"][k] - before["coverage"][k] for k in ("measured", "surveyed")}
        assert grew == {"measured": 2, "surveyed": 1}
        assert sum(after["arcs"].values()) == after["coverage"]["measured"]
        assert after["over_time"][-1]["conversations"] >= 2
        assert 1.0 <= after["predicted_mean"] <= 5.0
        worst = after["topics"][0]
        assert set(worst) >= {"topic", "conversations", "predicted_mean", "rating_mean"}
        assert [g["predicted_mean"] for g in after["problem_types"]] == sorted(
            g["predicted_mean"] for g in after["problem_types"]
        )

    asyncio.run(scenario())


def test_quality_needs_a_sign_in_and_the_per_person_view_a_supervisor(
    quality_server: RunningServer, make_account: Callable[..., tuple[str, str]]
) -> None:
    _, agent = make_account()
    _, supervisor = make_account("supervisor")
    with httpx.Client(base_url=quality_server.url) as api:
        assert api.get("/api/quality/summary").status_code == 401
        assert api.get("/api/quality/agents").status_code == 401
        refused = api.get("/api/quality/agents", headers=bearer(agent))
        assert refused.status_code == 403
        assert "supervisor" in refused.json()["detail"]
        allowed = api.get("/api/quality/agents", headers=bearer(supervisor))
        assert allowed.status_code == 200
        assert "not" in allowed.json()["note"] and "performance metric" in allowed.json()["note"]
        assert api.get("/api/quality/summary?days=0", headers=bearer(agent)).status_code == 422
