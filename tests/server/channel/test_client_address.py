"""Per-address limits behind proxies: only a configured proxy may name the client, and then only
the rightmost X-Forwarded-For entry it did not write itself counts."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from channel_support import ChatClient, RunningServer
from pydantic import ValidationError
from starlette.requests import HTTPConnection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server.channel.client_address import TrustedProxies, parse_networks
from server.channel.rate_limits import ChannelLimits
from server.cli import main
from server.settings import ServerSettings


def connection(peer: str, *forwarded: str) -> HTTPConnection:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return HTTPConnection({"type": "http", "client": (peer, 40000), "headers": headers})


async def open_as(server: RunningServer, forwarded_for: str) -> ChatClient:
    socket = await connect(
        server.ws_url, additional_headers={"X-Forwarded-For": forwarded_for}, max_size=2**22
    )
    return ChatClient(socket)


async def refused(client: ChatClient) -> bool:
    """True when the server refused the socket for its address (else it stays quietly open)."""
    with contextlib.suppress(ConnectionClosed):
        await client.quiet(0.3)
    return any(f.get("code") == "too_many_connections" for f in client.received)


def test_forged_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_socket_limit(
    make_server,  # type: ignore[no-untyped-def]
) -> None:
    # No proxy is trusted (the default): 40 sockets each claiming another address are one client.
    server = make_server(limits=ChannelLimits(sockets_per_address=20))

    async def scenario() -> None:
        clients = [await open_as(server, f"198.51.100.{n}") for n in range(40)]
        outcomes = await asyncio.gather(*(refused(client) for client in clients))
        assert outcomes.count(False) == 20 and outcomes.count(True) == 20
        for client in clients:
            await client.close()

    asyncio.run(scenario())


def test_behind_a_trusted_proxy_the_rightmost_untrusted_entry_is_the_client(
    make_server,  # type: ignore[no-untyped-def]
    channel_settings: ServerSettings,
) -> None:
    settings = channel_settings.model_copy(update={"trusted_proxies": "127.0.0.1, 10.0.0.0/8"})
    server = make_server(limits=ChannelLimits(sockets_per_address=2), settings=settings)

    async def scenario() -> None:
        # The proxy appended the real client (203.0.113.7) after whatever the client wrote.
        a = await open_as(server, "1.1.1.1, 203.0.113.7")
        b = await open_as(server, "2.2.2.2, 203.0.113.7, 10.1.2.3")
        c = await open_as(server, "3.3.3.3, 203.0.113.7")
        other = await open_as(server, "203.0.113.8")
        assert [await refused(x) for x in (a, b, c, other)] == [False, False, True, False]
        for client in (a, b, c, other):
            await client.close()

    asyncio.run(scenario())


def test_the_client_address_rules() -> None:
    proxies = TrustedProxies(parse_networks(["10.0.0.0/8", "::1"]))
    assert proxies.client_address(connection("203.0.113.5", "1.2.3.4")) == "203.0.113.5"
    assert proxies.client_address(connection("10.0.0.2", "1.2.3.4, 5.6.7.8")) == "5.6.7.8"
    assert proxies.client_address(connection("10.0.0.2", "1.2.3.4", "5.6.7.8, 10.9.9.9")) == (
        "5.6.7.8"
    )
    assert proxies.client_address(connection("::1", "2001:db8::0:1")) == "2001:db8::1"
    # Only proxies in the chain: the nearest one is the client.
    assert proxies.client_address(connection("10.0.0.2", "10.0.0.3")) == "10.0.0.2"
    assert proxies.client_address(connection("10.0.0.2")) == "10.0.0.2"
    # Nothing trusted: headers are never read.
    assert TrustedProxies().client_address(connection("10.0.0.2", "1.2.3.4")) == "10.0.0.2"


def test_a_trusted_proxy_that_is_not_an_address_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="'proxy.internal' is not an IP address or CIDR"):
        ServerSettings(trusted_proxies="10.0.0.1, proxy.internal")


def test_a_bad_trusted_proxy_stops_a_command_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIDELINE_TRUSTED_PROXIES", "10.0.0.1, proxy.internal")
    assert main(["agents", "add", "Sam", "--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        "tideline: bad setting: TIDELINE_TRUSTED_PROXIES: 'proxy.internal' is not an IP address "
        "or CIDR block (e.g. 10.0.0.5 or 10.0.0.0/8)"
    )
