"""Two server processes on PostgreSQL, Redis and a Chroma server: a customer on one and an agent on
the other, claims racing across processes, and a process killed in the middle of a conversation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from cluster_support import Cluster, LoadBalancer
from websockets.asyncio.client import connect

from tests.server.channel.channel_support import ChatClient, bot_reply
from tests.server.desk.desk_support import bearer, event_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


async def customer_on(url: str) -> ChatClient:
    return ChatClient(await connect(url.replace("http://", "ws://") + "/ws/chat"))


async def console_on(url: str, token: str) -> ChatClient:
    return ChatClient(
        await connect(
            url.replace("http://", "ws://") + "/ws/agent",
            additional_headers=bearer(token),
        )
    )


def _seqs(frames: list[dict[str, Any]]) -> list[int]:
    return [f["seq"] for f in frames if f["type"] == "message"]


def test_a_customer_on_one_process_chats_with_an_agent_on_the_other(cluster: Cluster) -> None:
    token = cluster.add_agent("dana-two-processes")

    async def scenario() -> None:
        console = await console_on(cluster.b.url, token)
        await console.until(lambda f: f["type"] == "queue")
        customer = await customer_on(cluster.a.url)
        await customer.say("x1", "I need to speak with a person about a double charge")
        session = await customer.until(lambda f: f["type"] == "session")
        conversation_id = session["conversation_id"]
        await customer.until(lambda f: f["type"] == "handoff")

        # The handoff made on A reaches the console on B (through Redis).
        opened = await console.until(event_for(conversation_id, "opened"))
        handoff_id = opened["handoff"]["id"]
        await console.send({"type": "watch", "handoff_id": handoff_id})
        await console.until(lambda f: f["type"] == "watching")
        async with httpx.AsyncClient(base_url=cluster.b.url) as api:
            claimed = await api.post(f"/api/handoffs/{handoff_id}/claim", headers=bearer(token))
            assert claimed.status_code == 200, claimed.text
            await customer.until(lambda f: f["type"] == "agent_joined")

            # Messages both ways, alternating, each side seeing the other's in order.
            for i in range(3):
                sent = await api.post(
                    f"/api/handoffs/{handoff_id}/messages",
                    json={"text": f"agent says {i}", "id": f"a{i}"},
                    headers=bearer(token),
                )
                assert sent.status_code == 201, sent.text
                got = await customer.until(
                    lambda f: f["type"] == "message" and f["role"] == "agent"
                )
                assert got["text"] == f"agent says {i}"
                await customer.say(f"c{i}", f"customer says {i}")
                heard = await console.until(
                    lambda f: f["type"] == "message" and f["role"] == "customer"
                )
                assert heard["text"] == f"customer says {i}"

            await console.send({"type": "typing", "handoff_id": handoff_id, "active": True})
            typing = await customer.until(lambda f: f["type"] == "typing")
            assert typing["role"] == "agent"

            package = (await api.get(f"/api/handoffs/{handoff_id}", headers=bearer(token))).json()
        texts = [m["text"] for m in package["messages"]][-6:]
        assert texts == [
            "agent says 0",
            "customer says 0",
            "agent says 1",
            "customer says 1",
            "agent says 2",
            "customer says 2",
        ]
        seqs = [m["seq"] for m in package["messages"]]
        assert seqs == list(range(1, len(seqs) + 1))
        # The customer received every message once, in seq order.
        received = _seqs(customer.received)
        assert received == sorted(set(received))
        await console.close()
        await customer.close()

    asyncio.run(scenario())


def test_two_agents_on_two_processes_claim_at_once_and_exactly_one_wins(cluster: Cluster) -> None:
    first = cluster.add_agent("claims-on-a")
    second = cluster.add_agent("claims-on-b")

    async def scenario() -> None:
        customer = await customer_on(cluster.a.url)
        await customer.say("r1", "Please put me through to a human")
        session = await customer.until(lambda f: f["type"] == "session")
        await customer.until(lambda f: f["type"] == "handoff")
        async with (
            httpx.AsyncClient(base_url=cluster.a.url) as on_a,
            httpx.AsyncClient(base_url=cluster.b.url) as on_b,
        ):
            rows = (await on_a.get("/api/handoffs", headers=bearer(first))).json()
            handoff_id = next(
                r["id"] for r in rows if r["conversation_id"] == session["conversation_id"]
            )
            path = f"/api/handoffs/{handoff_id}/claim"
            results = await asyncio.gather(
                on_a.post(path, headers=bearer(first)), on_b.post(path, headers=bearer(second))
            )
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 409], [r.text for r in results]
        loser = next(r for r in results if r.status_code == 409)
        assert loser.json()["detail"] == "Another agent already claimed this handoff."
        joined = await customer.until(lambda f: f["type"] == "agent_joined")
        assert joined["agent"]["name"] in ("claims-on-a", "claims-on-b")
        await customer.close()

    asyncio.run(scenario())


def test_a_killed_process_loses_nothing_and_the_conversation_goes_on(cluster: Cluster) -> None:
    """SIGKILL process A in the middle of a conversation, while a reply may be under way; the
    customer reconnects to B, resumes, and resends what was not acknowledged (as the widget does)."""

    async def scenario() -> None:
        customer = await customer_on(cluster.a.url)
        await customer.say("k1", "How do I reset my password?")
        session = await customer.until(lambda f: f["type"] == "session")
        conversation_id = session["conversation_id"]
        await customer.until(bot_reply)
        await customer.say("k2", "How long does delivery take?")
        await customer.until(bot_reply)
        # The third question goes out and A dies at once, wherever its turn has got to.
        await customer.say("k3", "Can I change my delivery address?")
        cluster.a.kill()
        acknowledged = {
            f["client_message_id"]
            for f in customer.received
            if f["type"] == "message" and f["role"] == "customer"
        }
        last_seq = max(_seqs(customer.received))

        # The widget reconnects (to B: A is gone), resumes, and resends what was not acknowledged.
        back = await customer_on(cluster.b.url)
        await back.send({"type": "resume", "token": session["resume_token"], "last_seq": last_seq})
        resumed = await back.until(lambda f: f["type"] == "session")
        assert resumed["resumed"] is True and resumed["conversation_id"] == conversation_id
        if "k3" not in acknowledged:
            await back.say("k3", "Can I change my delivery address?")
        answer = await back.until(lambda f: bot_reply(f) and f.get("reply_to") == "k3", timeout=30)
        assert "address" in answer["text"].lower()
        await back.say("k4", "How long does a refund take?")
        fourth = await back.until(lambda f: bot_reply(f) and f.get("reply_to") == "k4", timeout=30)
        assert "refund" in fourth["text"].lower()

        # Nothing lost, nothing doubled: the stored transcript (replayed from the start by a new
        # socket) and what the customer was shown.
        replay = await customer_on(cluster.b.url)
        await replay.send({"type": "resume", "token": session["resume_token"], "last_seq": 0})
        await replay.until(lambda f: f["type"] == "session")
        await replay.quiet(1.0)
        messages = [f for f in replay.received if f["type"] == "message"]
        assert [m["seq"] for m in messages] == list(range(1, 9))
        assert [(m["role"], m.get("client_message_id")) for m in messages] == [
            ("customer", "k1"),
            ("bot", None),
            ("customer", "k2"),
            ("bot", None),
            ("customer", "k3"),
            ("bot", None),
            ("customer", "k4"),
            ("bot", None),
        ]
        shown = _seqs(customer.received) + _seqs(back.received)
        assert sorted(shown) == sorted(set(shown)), "a message was shown twice"
        for client in (back, replay):
            await client.close()

    try:
        asyncio.run(scenario())
    finally:
        if not cluster.a.alive():
            cluster.a.start()  # the next test (if any) gets its two processes back
    state = _graph_state(cluster)
    assert state["turn"] == 4
    assert [e["role"] for e in state["transcript"]] == ["customer", "bot"] * 4


def _graph_state(cluster: Cluster) -> dict[str, Any]:
    """The LangGraph checkpoint of the latest conversation, read from PostgreSQL by a new process."""
    import subprocess
    import sys

    code = (
        "import json\n"
        "from sqlmodel import Session, select, col\n"
        "from server.settings import ServerSettings\n"
        "from server.runtime import open_runtime\n"
        "from server.records.models import Conversation\n"
        "with open_runtime(ServerSettings(), load_sample=False) as rt:\n"
        "    with Session(rt.engine) as s:\n"
        "        c = s.exec(select(Conversation).where(Conversation.turns == 4)"
        ".order_by(col(Conversation.created_at).desc())).first()\n"
        "    st = rt.bot.snapshot(c.id)\n"
        "    print(json.dumps({'turn': st['turn'], 'transcript': st['transcript']}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=cluster.env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_widget_moves_to_the_surviving_process(  # type: ignore[no-untyped-def]
    cluster: Cluster, page, screenshots
) -> None:
    """The real widget in Chromium, behind a load balancer: its process is SIGKILLed between two
    questions; it reconnects through the balancer to the other process and carries on."""
    from playwright import sync_api

    def ask(text: str) -> None:
        box = page.get_by_label("Your message")
        box.fill(text)
        box.press("Enter")

    with LoadBalancer([cluster.a.port, cluster.b.port], failover=True) as balancer:
        try:
            page.goto(balancer.url + "/")
            status = page.get_by_role("status")
            sync_api.expect(status).to_contain_text("Connected", timeout=15_000)
            log = page.get_by_role("log", name="Conversation")
            ask("How do I reset my password?")
            sync_api.expect(log.locator(".msg.bot")).to_have_count(1, timeout=20_000)
            ask("How long does delivery take?")
            sync_api.expect(log.locator(".msg.bot")).to_have_count(2, timeout=20_000)

            cluster.a.kill()
            sync_api.expect(status).to_contain_text("Reconnect", timeout=15_000)
            ask("Can I change my delivery address?")
            sync_api.expect(log.locator(".msg.bot")).to_have_count(3, timeout=30_000)
            sync_api.expect(log.locator(".msg.bot").last).to_contain_text("address")
            assert log.locator(".msg.customer .text").all_inner_texts() == [
                "How do I reset my password?",
                "How long does delivery take?",
                "Can I change my delivery address?",
            ]
            sync_api.expect(log.locator(".msg.customer.pending")).to_have_count(0)
            if screenshots:
                page.screenshot(path=str(screenshots / "widget-after-failover.png"))
        finally:
            if not cluster.a.alive():
                cluster.a.start()
