"""Rated conversations from a JSONL file: each transcript read into its arc, with its rating."""

from __future__ import annotations

from typing import Any

from agent.quality.arc import ConversationArc, measure_arc
from agent.quality.fit import Rated
from agent.replay import InvalidTranscript, read_conversation, validate_conversation
from agent.risk.model import RiskModel
from agent.sentiment.reading import SentimentAnalyzer, SentimentReading


def read_rated(conv: Any, analyzer: SentimentAnalyzer, risk_model: RiskModel) -> Rated:
    """One line ``{conversation_id, turns: [{speaker, text}], rating: 1-5, resolved?, escalated?}``.

    Raises ``InvalidTranscript`` naming the first field that is wrong.
    """
    validate_conversation(conv)
    rating = conv.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidTranscript("rating: expected a whole number from 1 to 5")
    resolved = conv.get("resolved")
    if resolved is not None and not isinstance(resolved, bool):
        raise InvalidTranscript("resolved: expected true, false or null")
    escalated = conv.get("escalated", False)
    if not isinstance(escalated, bool):
        raise InvalidTranscript("escalated: expected true or false")
    return Rated(
        str(conv["conversation_id"]),
        transcript_arc(conv, analyzer, risk_model, escalated=escalated, resolved=resolved),
        rating,
    )


def transcript_arc(
    conv: dict[str, Any],
    analyzer: SentimentAnalyzer,
    risk_model: RiskModel,
    *,
    escalated: bool = False,
    resolved: bool | None = None,
) -> ConversationArc:
    readings: list[SentimentReading] = [
        r for r in read_conversation(conv, analyzer) if r is not None
    ]
    return measure_arc(readings, risk_model, escalated=escalated, resolved=resolved)
