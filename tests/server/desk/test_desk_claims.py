"""Claiming from the queue: one winner of a race, and each agent reads only what it may."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from desk_support import Account, bearer, handoff_of, queued_customer

from tests.server.channel.channel_support import RunningServer


def test_two_concurrent_claims_have_exactly_one_winner(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    (first_id, first), (second_id, second) = make_account(), make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "race")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            path = f"/api/handoffs/{handoff['id']}/claim"
            responses = await asyncio.gather(
                api.post(path, headers=bearer(first)), api.post(path, headers=bearer(second))
            )
            codes = sorted(r.status_code for r in responses)
            assert codes == [200, 409], [r.text for r in responses]
            winner = next(r for r in responses if r.status_code == 200).json()
            loser = next(r for r in responses if r.status_code == 409).json()
            assert winner["status"] == "claimed"
            assert winner["claimed_by"] in (first_id, second_id)
            assert loser["detail"] == "Another agent already claimed this handoff."
            assert (await handoff_of(api, supervisor, conversation_id))["claimed_by"] == (
                winner["claimed_by"]
            )
            winner_token = first if winner["claimed_by"] == first_id else second
            winner_name = (await api.get("/api/me", headers=bearer(winner_token))).json()["name"]
            # A later claim by anyone is refused the same way.
            late = await api.post(path, headers=bearer(first))
            assert late.status_code == 409

        joined = await client.until(lambda f: f["type"] == "agent_joined")
        # The customer learns who joined by name, never the agent's account id.
        assert joined["agent"] == {"name": winner_name}
        assert not [f for f in await client.quiet(0.3) if f["type"] == "agent_joined"]
        await client.close()

    asyncio.run(scenario())


def test_an_agent_cannot_read_another_agents_claim_but_a_supervisor_can(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    (_, owner), (_, other) = make_account(), make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "iso")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            path = f"/api/handoffs/{handoff['id']}"

            # While waiting, any agent may read it to decide whether to pick it up.
            waiting = await api.get(path, headers=bearer(other))
            assert waiting.status_code == 200
            listed = await api.get("/api/handoffs", headers=bearer(other))
            assert handoff["id"] in [row["id"] for row in listed.json()]

            assert (await api.post(f"{path}/claim", headers=bearer(owner))).status_code == 200

            refused = await api.get(path, headers=bearer(other))
            assert refused.status_code == 403
            assert "another agent" in refused.json()["detail"]
            assert "transcript" not in refused.json()
            listed = await api.get("/api/handoffs", headers=bearer(other))
            assert handoff["id"] not in [row["id"] for row in listed.json()]
            said = await api.post(
                f"{path}/messages", json={"text": "hi, I'm taking over"}, headers=bearer(other)
            )
            assert said.status_code == 403
            closing = await api.post(f"{path}/close", headers=bearer(other))
            assert closing.status_code == 403

            for token in (owner, supervisor):
                package = await api.get(path, headers=bearer(token))
                assert package.status_code == 200
                body = package.json()
                assert body["status"] == "claimed"
                assert body["rule"] and body["severity"] == "high"
                assert body["rationale"] and body["summary"]
                assert any("human" in turn["text"] for turn in body["transcript"])
                assert body["sentiment_series"], "the sentiment trajectory is part of the package"
                fired = [d for d in body["decisions"] if d["escalate"]]
                assert fired and fired[-1]["rule"] == body["rule"]
                assert "evidence" in fired[-1]
                roles = [m["role"] for m in body["messages"]]
                assert roles[:2] == ["customer", "system"]

            supervised = await api.get("/api/handoffs", headers=bearer(supervisor))
            row = next(r for r in supervised.json() if r["id"] == handoff["id"])
            assert row["status"] == "claimed"

            missing = await api.get("/api/handoffs/no-such-handoff", headers=bearer(owner))
            assert missing.status_code == 404
        await client.close()

    asyncio.run(scenario())
