"""Prometheus metrics of the customer channel, in a registry per app so tests can build many."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ChannelMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turn_latency = Histogram(
            "tideline_turn_latency_seconds",
            "Customer message received to final reply stored, per turn.",
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.escalations = Counter(
            "tideline_escalations_total",
            "Conversations handed to the human queue, by the policy rule that fired.",
            ["rule"],
            registry=self.registry,
        )
        self.open_sockets = Gauge(
            "tideline_open_sockets", "Open customer websockets.", registry=self.registry
        )
        self.errors = Counter(
            "tideline_errors_total",
            "Error frames sent to customers and failed turns, by code.",
            ["code"],
            registry=self.registry,
        )
        self.messages = Counter(
            "tideline_messages_total",
            "Messages delivered on the customer channel, by role.",
            ["role"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
