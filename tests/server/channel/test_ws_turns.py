"""A customer's turns over /ws/chat: session, streamed tokens, final message, handoff, resends."""

from __future__ import annotations

import asyncio

from channel_support import RunningServer, bot_reply, open_client


def test_first_message_opens_a_session_and_streams_the_answer(chat_server: RunningServer) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("m1", "How do I reset my password?")
        session = await client.recv()
        assert session["type"] == "session"
        assert session["conversation_id"] and session["resume_token"]
        assert session["resumed"] is False

        final = await client.until(bot_reply)
        tokens = client.of_type("token")
        assert len(tokens) > 1, "the reply should arrive as several streamed tokens"
        assert "".join(t["delta"] for t in tokens) == final["text"]
        assert [t["offset"] for t in tokens] == [
            sum(len(t["delta"]) for t in tokens[:i]) for i in range(len(tokens))
        ]
        assert final["role"] == "bot" and final["reply_to"] == "m1"
        assert "password" in final["text"].lower()
        assert any(c["doc_id"] == "password-reset" for c in final["citations"])
        # The bundled sample's articles are served by Tideline itself, at /help/<doc_id>.
        assert all(c["title"] and c["url"] == f"/help/{c['doc_id']}" for c in final["citations"])

        echo = next(
            f for f in client.received if f["type"] == "message" and f["role"] == "customer"
        )
        assert echo["client_message_id"] == "m1" and echo["seq"] == 1
        assert final["seq"] == 2
        kinds = [f["type"] for f in client.received]
        # typing starts before the first token; the customer's message is acknowledged first
        assert kinds.index("message") < kinds.index("typing") < kinds.index("token")
        assert (await client.until(lambda f: f["type"] == "typing"))["active"] is False
        await client.close()

    asyncio.run(scenario())


def test_second_turn_continues_the_same_conversation(chat_server: RunningServer) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("a", "How long does delivery take?")
        first = await client.until(bot_reply)
        await client.say("b", "Can I change my delivery address?")
        second = await client.until(bot_reply)
        assert (first["seq"], second["seq"]) == (2, 4)
        assert len(client.of_type("session")) == 1
        assert second["reply_to"] == "b"
        await client.close()

    asyncio.run(scenario())


def test_asking_for_a_person_hands_off_with_queue_position(chat_server: RunningServer) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("h1", "I want to talk to a human, right now please")
        notice = await client.until(bot_reply)
        handoff = await client.until(lambda f: f["type"] == "handoff")
        assert notice["role"] == "system"
        assert handoff["status"] == "queued"
        assert handoff["position"] >= 1 and handoff["estimated_wait_s"] > 0
        assert handoff["severity"] == "high"
        assert "support team" in notice["text"]

        # While queued, the bot stays quiet: the message is stored, nothing answers it.
        await client.say("h2", "hello? anyone there?")
        echo = await client.until(lambda f: f["type"] == "message")
        assert echo["role"] == "customer" and echo["client_message_id"] == "h2"
        later = await client.quiet(0.5)
        assert not [f for f in later if f["type"] in ("token", "message")]
        await client.close()

    asyncio.run(scenario())


def test_a_resend_is_neither_a_second_message_nor_a_second_turn(
    chat_server: RunningServer,
) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("same", "What payment methods do you accept?")
        first_reply = await client.until(bot_reply)
        await client.say("same", "What payment methods do you accept?")
        await client.say("next", "Thanks!")
        following = await client.until(bot_reply)
        # The resend produced no new seq: the next message takes the seq right after the reply.
        echoes = [f for f in client.received if f["type"] == "message" and f["role"] == "customer"]
        assert [e["client_message_id"] for e in echoes] == ["same", "next"]
        assert echoes[1]["seq"] == first_reply["seq"] + 1
        assert following["seq"] == first_reply["seq"] + 2
        await client.close()

    asyncio.run(scenario())
