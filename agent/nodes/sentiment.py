"""The `sentiment` node: reads this message and recomputes the conversation's trajectory."""

from __future__ import annotations

from typing import Any

from agent.dependencies import TurnDependencies
from agent.sentiment.reading import SentimentReading
from agent.sentiment.trend import summarize
from agent.state import ConversationState, Node


def make_sentiment_node(deps: TurnDependencies) -> Node:
    def sentiment(state: ConversationState) -> dict[str, Any]:
        earlier = [e["text"] for e in state.get("transcript", []) if e["role"] == "customer"]
        reading = deps.analyzer.analyze(state["message"], context=earlier[-4:])
        readings = [SentimentReading.from_dict(r) for r in state.get("readings", [])]
        readings.append(reading)
        trajectory = summarize(
            readings,
            window=deps.policy.trend_window,
            slope_threshold=deps.policy.trend_slope_threshold,
        )
        return {"readings": [reading.to_dict()], "sentiment": trajectory.to_dict()}

    return sentiment
