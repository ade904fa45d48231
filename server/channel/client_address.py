"""Which address a connection comes from, for the per-address limits: the peer, or behind proxies
the server was told to trust, the rightmost ``X-Forwarded-For`` entry they did not add themselves.

Everything left of that entry was written by the client and proves nothing; a peer that is not a
trusted proxy is the client itself, whatever headers it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDR blocks (``10.0.0.5``, ``10.0.0.0/8``, ``::1``); ValueError names a bad one."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or CIDR block (e.g. 10.0.0.5 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


class TrustedProxies:
    """Resolves a connection's client address given the proxies in front of the server."""

    def __init__(self, networks: tuple[Network, ...] = ()) -> None:
        self.networks = networks

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False  # "unknown", a hostname or junk is never a proxy of ours
        return any(ip in network for network in self.networks)

    def client_address(self, connection: HTTPConnection) -> str:
        peer = connection.client.host if connection.client else "unknown"
        if not self.networks or not self.trusts(peer):
            return peer
        forwarded = [
            entry.strip()
            for header in connection.headers.getlist("x-forwarded-for")
            for entry in header.split(",")
        ]
        for entry in reversed(forwarded):
            if not entry:
                continue
            if not self.trusts(entry):
                return _normalised(entry)
        # Every hop was a trusted proxy (or none was named): the nearest one is the client.
        return peer


def _normalised(entry: str) -> str:
    """One spelling per address (``::ffff:1.2.3.4`` style variants are the same client)."""
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return entry[:64]  # not an address: still limited, as this one client-chosen string
