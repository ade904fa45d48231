"""Sentiment of customer messages: one reading per message and the conversation-level trajectory."""

from agent.sentiment.reading import (
    ConversationSentiment,
    SentimentAnalyzer,
    SentimentReading,
)

__all__ = ["ConversationSentiment", "SentimentAnalyzer", "SentimentReading"]
