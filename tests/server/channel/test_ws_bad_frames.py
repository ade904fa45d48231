"""Bad input on /ws/chat: each gets an error frame with a code, and the socket stays usable."""

from __future__ import annotations

import asyncio
import json

import pytest
from channel_support import RunningServer, bot_reply, open_client

from server.channel.rate_limits import ChannelLimits

BAD_FRAMES = [
    ("not json at all", "invalid_json"),
    ("[1, 2, 3]", "invalid_frame"),
    (json.dumps({"text": "no type"}), "missing_field"),
    (json.dumps({"type": "shout", "text": "hi"}), "unknown_type"),
    (json.dumps({"type": "message", "text": "no id"}), "missing_field"),
    (json.dumps({"type": "message", "id": "x1"}), "missing_field"),
    (json.dumps({"type": "message", "id": "x2", "text": 7}), "invalid_field"),
    (json.dumps({"type": "message", "id": "", "text": "hi"}), "invalid_field"),
    (json.dumps({"type": "message", "id": "x3", "text": "   "}), "empty_message"),
    (json.dumps({"type": "message", "id": "x4", "text": "a" * 8_001}), "message_too_long"),
    (json.dumps({"type": "message", "id": "x5", "text": "a" * 70_000}), "frame_too_large"),
    (json.dumps({"type": "resume"}), "missing_field"),
    (json.dumps({"type": "resume", "token": "t", "last_seq": -1}), "invalid_field"),
    (json.dumps({"type": "typing", "active": "yes"}), "invalid_field"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES, ids=[code for _, code in BAD_FRAMES])
def test_bad_frame_gets_an_error_and_the_socket_stays_open(
    chat_server: RunningServer, raw: str, code: str
) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.send(raw)
        error = await client.recv()
        assert error["type"] == "error"
        assert error["code"] == code
        assert error["fatal"] is False
        assert len(error["message"]) > 10 and "Traceback" not in error["message"]
        # Nothing was stored or started: the next good message opens a fresh conversation at seq 1.
        await client.say("good", "How do I reset my password?")
        session = await client.until(lambda f: f["type"] == "session")
        echo = await client.until(lambda f: f["type"] == "message")
        assert session["resumed"] is False and echo["seq"] == 1
        await client.until(bot_reply)
        await client.close()

    asyncio.run(scenario())


def test_binary_frames_are_refused_with_an_error(chat_server: RunningServer) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.connection.send(b"\x00\x01")
        error = await client.recv()
        assert (error["type"], error["code"]) == ("error", "unsupported_frame")
        await client.close()

    asyncio.run(scenario())


def test_a_flood_of_messages_is_rate_limited_per_connection(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(limits=ChannelLimits(messages_burst=2, messages_per_s=0.5))

    async def scenario() -> None:
        client = await open_client(server)
        for n in range(4):
            await client.say(f"f{n}", f"How do I reset my password? ({n})")
        await client.until(lambda f: bot_reply(f) and f["reply_to"] == "f1")
        await client.quiet(0.5)
        limited = [f for f in client.received if f["type"] == "error"]
        assert [(e["code"], e["ref"]) for e in limited] == [
            ("rate_limited", "f2"),
            ("rate_limited", "f3"),
        ]
        assert "wait" in limited[0]["message"]
        customer = [f["client_message_id"] for f in client.received if f.get("role") == "customer"]
        assert customer == ["f0", "f1"]
        await client.close()

        # Another customer's connection has its own allowance.
        other = await open_client(server)
        await other.say("o1", "How long does delivery take?")
        assert (await other.until(bot_reply))["reply_to"] == "o1"
        await other.close()

    asyncio.run(scenario())


def test_too_many_sockets_from_one_address_are_refused(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(limits=ChannelLimits(sockets_per_address=2))

    async def scenario() -> None:
        first, second = await open_client(server), await open_client(server)
        third = await open_client(server)
        refusal = await third.recv()
        assert (refusal["code"], refusal["fatal"]) == ("too_many_connections", True)
        await asyncio.wait_for(third.connection.wait_closed(), 5)
        assert third.connection.close_code == 1013
        await first.close()
        await asyncio.sleep(0.2)
        fourth = await open_client(server)  # a slot is free again
        await fourth.say("ok", "Hello")
        assert (await fourth.until(lambda f: f["type"] == "session"))["resumed"] is False
        for client in (second, fourth):
            await client.close()

    asyncio.run(scenario())


def test_messages_from_one_address_share_an_allowance(make_server) -> None:  # type: ignore[no-untyped-def]
    # Each socket is within its own rate; together, from one address, they are not.
    server = make_server(limits=ChannelLimits(address_messages_burst=3, address_messages_per_s=0.2))

    async def scenario() -> None:
        clients = [await open_client(server) for _ in range(4)]
        for n, client in enumerate(clients):
            await client.say(f"a{n}", "How long does delivery take?")
        last = clients[-1]
        refusal = await last.until(lambda f: f["type"] == "error")
        assert (refusal["code"], refusal["ref"]) == ("rate_limited", "a3")
        for client in clients[:3]:
            assert (await client.until(bot_reply))["reply_to"].startswith("a")
        for client in clients:
            await client.close()

    asyncio.run(scenario())


def test_reconnecting_does_not_reset_an_address_allowance(make_server) -> None:  # type: ignore[no-untyped-def]
    # Closing every socket and opening a new one must not hand the address a fresh allowance.
    server = make_server(limits=ChannelLimits(address_messages_burst=3, address_messages_per_s=0.2))

    async def scenario() -> None:
        codes: list[str] = []
        for n in range(3):
            client = await open_client(server)
            await client.say(f"r{n}", "How long does delivery take?")
            frame = await client.until(lambda f: f["type"] == "error" or bot_reply(f))
            codes.append(frame.get("code", "answered"))
            await client.close()
        again = await open_client(server)
        await again.say("r3", "And how do I reset my password?")
        refusal = await again.until(lambda f: f["type"] == "error")
        assert (refusal["code"], refusal["ref"]) == ("rate_limited", "r3"), codes
        await again.close()

    asyncio.run(scenario())


def test_unreadable_frames_count_toward_the_frame_limit(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(limits=ChannelLimits(frames_burst=5, frames_per_s=0.5))

    async def scenario() -> None:
        client = await open_client(server)
        for _ in range(8):
            await client.send("this is not json")
        await client.quiet(0.5)
        codes = [f["code"] for f in client.received if f["type"] == "error"]
        assert codes == ["invalid_json"] * 5 + ["rate_limited"] * 3
        await client.close()

    asyncio.run(scenario())


def test_lone_surrogates_and_deep_nesting_get_an_error_and_store_nothing(
    chat_server: RunningServer,
) -> None:
    async def scenario() -> None:
        client = await open_client(chat_server)
        await client.send('{"type": "message", "id": "\\ud800", "text": "hello"}')
        await client.send('{"type": "message", "id": "s1", "text": "refund \\udfff please"}')
        await client.send('{"type": "resume", "token": "\\ud800", "last_seq": 0}')
        await client.send("[" * 5000 + "]" * 5000)
        await client.quiet(0.5)
        errors = [f["code"] for f in client.received if f["type"] == "error"]
        assert errors == ["invalid_text", "invalid_text", "invalid_text", "invalid_json"]
        # Nothing was stored: no session was opened for the refused frames.
        assert not [f for f in client.received if f["type"] == "session"]
        # The socket stays open and serves the next good message.
        await client.say("ok1", "How long does delivery take?")
        assert (await client.until(bot_reply))["reply_to"] == "ok1"
        await client.close()

    asyncio.run(scenario())
