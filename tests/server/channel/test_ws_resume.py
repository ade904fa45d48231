"""Reconnecting: resume after a drop mid-reply, messages sent offline, foreign tokens refused."""

from __future__ import annotations

import asyncio
from typing import Any

from channel_support import ChatClient, RunningServer, bot_reply, open_client

from server.runtime import Runtime


async def _drop(client: ChatClient) -> None:
    # Abort the TCP connection without a closing handshake, as a network drop does.
    client.connection.transport.abort()
    await asyncio.sleep(0.05)


def _seqs(frames: list[dict[str, Any]]) -> list[int]:
    return [f["seq"] for f in frames if f["type"] == "message"]


def test_drop_in_the_middle_of_a_streamed_reply_resumes_without_gap_or_duplicate(
    slow_chat_server: RunningServer,
) -> None:
    async def scenario() -> None:
        first = await open_client(slow_chat_server)
        await first.say("q1", "How do I reset my password?")
        session = await first.until(lambda f: f["type"] == "session")
        echo = await first.until(lambda f: f["type"] == "message")
        await first.until(lambda f: f["type"] == "token")
        await first.until(lambda f: f["type"] == "token")
        seen_before = "".join(t["delta"] for t in first.of_type("token"))
        await _drop(first)

        second = await open_client(slow_chat_server)
        await second.send(
            {"type": "resume", "token": session["resume_token"], "last_seq": echo["seq"]}
        )
        resumed = await second.recv()
        assert resumed["type"] == "session" and resumed["resumed"] is True
        assert resumed["conversation_id"] == session["conversation_id"]
        final = await second.until(bot_reply)

        # The reply is whole and in order: what was streamed before the drop, plus the rest.
        tokens = second.of_type("token")
        assert tokens, "the reply was still streaming: the resumed socket must get its text"
        assert tokens[0]["offset"] == 0
        streamed_after = "".join(t["delta"] for t in tokens)
        assert streamed_after == final["text"]
        assert final["text"].startswith(seen_before)
        assert [t["offset"] for t in tokens] == [
            sum(len(t["delta"]) for t in tokens[:i]) for i in range(len(tokens))
        ]
        assert _seqs(second.received) == [echo["seq"] + 1]
        assert final["reply_to"] == "q1"
        await second.close()

    asyncio.run(scenario())


def test_reply_finished_while_away_is_replayed_once(
    slow_chat_server: RunningServer, channel_runtime: Runtime
) -> None:
    async def scenario() -> None:
        first = await open_client(slow_chat_server)
        await first.say("q1", "How long does delivery take?")
        session = await first.until(lambda f: f["type"] == "session")
        await first.until(lambda f: f["type"] == "token")
        await _drop(first)
        # The turn goes on without the socket: wait until its reply is stored.
        service = channel_runtime.conversations
        for _ in range(300):
            if len(service.messages_after(session["conversation_id"], 0)) == 2:
                break
            await asyncio.sleep(0.05)

        second = await open_client(slow_chat_server)
        await second.send({"type": "resume", "token": session["resume_token"], "last_seq": 0})
        await second.until(bot_reply)
        await second.quiet(0.3)
        messages = [f for f in second.received if f["type"] == "message"]
        assert [(m["seq"], m["role"]) for m in messages] == [(1, "customer"), (2, "bot")]
        assert not second.of_type("token"), "a stored reply is replayed whole, not re-streamed"
        await second.close()

    asyncio.run(scenario())


def test_messages_sent_while_disconnected_are_delivered_once_in_order(
    chat_server: RunningServer,
) -> None:
    async def scenario() -> None:
        first = await open_client(chat_server)
        await first.say("m1", "How do I change my email address?")
        session = await first.until(lambda f: f["type"] == "session")
        reply = await first.until(bot_reply)
        await _drop(first)

        # Offline, the widget queued two messages; after reconnecting it resumes and sends both,
        # then (not knowing whether the first got through) sends the first again.
        second = await open_client(chat_server)
        await second.send(
            {"type": "resume", "token": session["resume_token"], "last_seq": reply["seq"]}
        )
        await second.say("m2", "And how do I change my delivery address?")
        await second.say("m3", "What payment methods do you accept?")
        await second.say("m2", "And how do I change my delivery address?")
        await second.until(lambda f: bot_reply(f) and f["reply_to"] == "m3")
        await second.quiet(0.5)
        messages = [f for f in second.received if f["type"] == "message"]
        assert [(m["role"], m.get("client_message_id") or m.get("reply_to")) for m in messages] == [
            ("customer", "m2"),
            ("bot", "m2"),
            ("customer", "m3"),
            ("bot", "m3"),
        ]
        assert _seqs(second.received) == list(range(reply["seq"] + 1, reply["seq"] + 5))
        await second.close()

    asyncio.run(scenario())


def test_resume_replays_only_what_was_missed(chat_server: RunningServer) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("a", "How do I reset my password?")
        session = await client.until(lambda f: f["type"] == "session")
        await client.until(bot_reply)
        await client.say("b", "How long does delivery take?")
        await client.until(bot_reply)
        await client.close()

        again = await open_client(chat_server)
        await again.send({"type": "resume", "token": session["resume_token"], "last_seq": 2})
        await again.recv()
        replayed = [await again.recv(), await again.recv()]
        assert _seqs(replayed) == [3, 4]
        assert replayed[0]["client_message_id"] == "b" and replayed[1]["reply_to"] == "b"
        assert not [f for f in await again.quiet(0.3) if f["type"] == "message"]
        await again.close()

    asyncio.run(scenario())


def test_a_last_seq_past_the_end_does_not_hide_later_messages(chat_server: RunningServer) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("a", "How do I reset my password?")
        session = await client.until(lambda f: f["type"] == "session")
        await client.until(bot_reply)
        await client.close()

        again = await open_client(chat_server)
        await again.send({"type": "resume", "token": session["resume_token"], "last_seq": 999})
        await again.until(lambda f: f["type"] == "session")
        await again.say("b", "How long does delivery take?")
        # The answer to the new question arrives (seq 4), not swallowed as already seen.
        reply = await again.until(bot_reply, timeout=10)
        assert reply["seq"] == 4 and reply["reply_to"] == "b"
        await again.close()

    asyncio.run(scenario())


def test_a_token_for_another_conversation_is_refused_and_reveals_nothing(
    chat_server: RunningServer,
) -> None:
    async def scenario() -> None:
        alice = await open_client(chat_server)
        await alice.say("secret", "My order number is 12345 and my card was charged twice")
        alice_session = await alice.until(lambda f: f["type"] == "session")
        await alice.until(bot_reply)
        bob = await open_client(chat_server)
        await bob.say("hi", "Hello")
        bob_session = await bob.until(lambda f: f["type"] == "session")
        await bob.until(bot_reply)

        mallory = await open_client(chat_server)
        refusals = []
        attempts: list[dict[str, Any]] = [
            # Bob's valid token, claimed for Alice's conversation
            {
                "type": "resume",
                "token": bob_session["resume_token"],
                "conversation_id": alice_session["conversation_id"],
            },
            # Alice's conversation id with a forged signature
            {"type": "resume", "token": alice_session["resume_token"][:-4] + "AAAA"},
            {"type": "resume", "token": "v1.garbage.0.sig"},
            {"type": "resume", "token": 42},
        ]
        for attempt in attempts:
            await mallory.send(attempt)
            refusals.append(await mallory.recv())
        assert {r["type"] for r in refusals} == {"error"}
        assert {r["code"] for r in refusals} == {"invalid_resume_token"}
        assert len({r["message"] for r in refusals}) == 1, "every refusal must read the same"
        leaked = [f for f in await mallory.quiet(0.3) if f["type"] in ("message", "session")]
        assert leaked == []
        for refusal in refusals:
            assert alice_session["conversation_id"] not in str(refusal)
            assert "12345" not in str(refusal)
        # The socket stays usable: a new message starts Mallory's own conversation.
        await mallory.say("own", "How do I reset my password?")
        own = await mallory.until(lambda f: f["type"] == "session")
        assert own["conversation_id"] not in (
            alice_session["conversation_id"],
            bob_session["conversation_id"],
        )
        for client in (alice, bob, mallory):
            await client.close()

    asyncio.run(scenario())


def test_a_turn_a_dead_server_never_finished_is_answered_on_resume(
    chat_server: RunningServer, channel_runtime: Runtime
) -> None:
    """The customer's message was stored, then the process died before the turn's records: the
    server the customer reconnects to answers it, once, and the graph counts it as one turn."""
    from sqlmodel import Session

    from server.records.messages import append_message

    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.say("r1", "How do I reset my password?")
        session = await client.until(lambda f: f["type"] == "session")
        await client.until(bot_reply)
        await client.close()
        conversation_id = session["conversation_id"]
        # What a SIGKILL in the middle of the next turn leaves behind: the message, nothing else.
        with Session(channel_runtime.engine) as db:
            owed = append_message(
                session=db,
                conversation_id=conversation_id,
                role="customer",
                text="How long does delivery take?",
                client_message_id="r2",
            )
            owed_seq = owed.seq

        back = await open_client(chat_server)
        await back.send({"type": "resume", "token": session["resume_token"], "last_seq": owed_seq})
        answer = await back.until(bot_reply)
        assert answer["reply_to"] == "r2" and "deliver" in answer["text"].lower()
        assert answer["seq"] == owed_seq + 1
        # A second resume finds nothing owed: no second answer.
        again = await open_client(chat_server)
        await again.send(
            {"type": "resume", "token": session["resume_token"], "last_seq": answer["seq"]}
        )
        assert not [f for f in await again.quiet(1.0) if f["type"] in ("message", "token")]
        state = channel_runtime.bot.snapshot(conversation_id)
        assert state["turn"] == 2
        assert [e["role"] for e in state["transcript"]] == ["customer", "bot", "customer", "bot"]
        for c in (back, again):
            await c.close()

    asyncio.run(scenario())
