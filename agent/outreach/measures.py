"""Per-conversation measures: entry -> exit arc, negativity, and predicted satisfaction."""

from __future__ import annotations

from dataclasses import dataclass

from agent.outreach.history import Conversation
from agent.sentiment import SentimentAnalyzer


@dataclass(frozen=True)
class ConversationMeasure:
    conversation_id: str
    entry: float  # first customer message's score, -1..1
    exit: float  # last customer message's score
    arc: float  # exit - entry: > 0 left better than arrived
    negativity: float  # 0..1, mean of max(0, -score) and frustration over the customer's turns
    predicted_csat: float  # 1..5
    confidence: float  # 0..1


def measure_conversation(
    conversation: Conversation, analyzer: SentimentAnalyzer
) -> ConversationMeasure:
    """Read every customer message (with the earlier ones as context) and summarise the arc.

    Predicted satisfaction, for now a documented linear mapping (docs/outreach.md): start at 3,
    add the exit score x1.5, subtract negativity x1.5, +0.7 when resolved, -0.7 when marked
    unresolved; clamp to 1..5. A stated rating replaces the prediction with confidence 1.
    """
    texts = conversation.customer_texts
    readings = [analyzer.analyze(text, texts[:i]) for i, text in enumerate(texts)]
    if not readings:
        return ConversationMeasure(conversation.conversation_id, 0.0, 0.0, 0.0, 0.0, 3.0, 0.1)
    scores = [r.score for r in readings]
    negativity = sum((max(0.0, -r.score) + r.frustration) / 2 for r in readings) / len(readings)
    predicted = 3.0 + 1.5 * scores[-1] - 1.5 * negativity
    if conversation.resolved is True:
        predicted += 0.7
    elif conversation.resolved is False:
        predicted -= 0.7
    confidence = min(
        0.9, sum(r.confidence for r in readings) / len(readings) * min(1.0, len(readings) / 3)
    )
    if conversation.csat is not None:
        predicted, confidence = float(conversation.csat), 1.0
    return ConversationMeasure(
        conversation.conversation_id,
        entry=scores[0],
        exit=scores[-1],
        arc=scores[-1] - scores[0],
        negativity=round(negativity, 3),
        predicted_csat=round(max(1.0, min(5.0, predicted)), 2),
        confidence=round(confidence, 2),
    )
