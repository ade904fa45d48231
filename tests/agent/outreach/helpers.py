"""Plain-value customer histories for the outreach tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def conversation(days_ago: int, *customer: str, resolved: bool | None, csat: int | None = None,
                 channel: str = "chat") -> dict[str, Any]:  # fmt: skip
    turns = []
    for text in customer:
        turns += [
            {"speaker": "customer", "text": text},
            {"speaker": "agent", "text": "Let me check."},
        ]
    return {
        "conversation_id": f"conv-{days_ago}",
        "started_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "channel": channel,
        "turns": turns,
        "resolved": resolved,
        "csat": csat,
    }


def history(conversations: list[dict[str, Any]], **attributes: Any) -> dict[str, Any]:
    return {
        "customer_id": "cust-1",
        "attributes": attributes,
        "events": [],
        "conversations": conversations,
    }


def blunt_but_loyal() -> dict[str, Any]:
    return history(
        [
            conversation(
                d,
                "This is useless, the export is broken again. Fix it.",
                "Fine, works now.",
                resolved=True,
                csat=5,
            )  # fmt: skip
            for d in (150, 110, 70, 40, 10)
        ],
        name="Dana Ruiz",
    )


def polite_and_cooling() -> dict[str, Any]:
    return history(
        [
            conversation(
                120,
                "Hi! How do I add a colleague? Thanks so much.",
                "Perfect, thank you!",
                resolved=True,
                csat=5,
            ),  # fmt: skip
            conversation(
                40, "Hello, the shipping labels print blank since the update.", resolved=None
            ),
            conversation(
                25,
                "Hi, following up: shipping labels still print blank. I did mention this.",
                "Okay.",
                resolved=False,
            ),  # fmt: skip
            conversation(
                8,
                "Shipping labels are still blank. This is the third time I'm writing.",
                "Noted.",
                resolved=False,
            ),  # fmt: skip
        ],
        name="Sam Okafor",
    )
