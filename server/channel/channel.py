"""The customer channel's shared parts (built once per app) and a connection's states and moves."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from server.channel.client_address import TrustedProxies
from server.channel.rate_limits import AddressLimits, ChannelLimits
from server.channel.resume_tokens import ResumeTokens
from server.metrics import ChannelMetrics
from server.quality.meter import QualityMeter
from server.turns.hub import ConversationHub
from server.turns.runner import TurnRunner
from server.turns.service import ConversationService


class ConnectionState(StrEnum):
    OPEN = "open"  # accepted, no conversation yet
    IN_SESSION = "in_session"  # bound to a conversation
    CLOSED = "closed"


CONNECTION_MOVES = {
    ConnectionState.OPEN: {ConnectionState.IN_SESSION, ConnectionState.CLOSED},
    ConnectionState.IN_SESSION: {ConnectionState.CLOSED},
    ConnectionState.CLOSED: set(),
}


@dataclass
class Channel:
    """Everything a customer connection needs, built once per app."""

    service: ConversationService
    hub: ConversationHub
    turns: TurnRunner
    tokens: ResumeTokens
    limits: ChannelLimits
    metrics: ChannelMetrics
    addresses: AddressLimits
    customer_secret: str | None = None  # verifies the host site's signed customer ids
    proxies: TrustedProxies = field(default_factory=TrustedProxies)  # who may name the client
    quality: QualityMeter | None = None  # measures a conversation the customer ends or rates
