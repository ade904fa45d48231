"""The LLM sentiment analyzer: structured output from the chat model, a fallback on failure."""

from __future__ import annotations

import concurrent.futures
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from agent.prompts import (
    SENTIMENT_CONTEXT_TEMPLATE,
    SENTIMENT_MESSAGE_TEMPLATE,
    SENTIMENT_SYSTEM_PROMPT,
)
from agent.sentiment.reading import KNOWN_SIGNALS, Label, SentimentAnalyzer, SentimentReading

# Earlier messages shown to the model: enough for repeat-contact cues, short enough to stay fast.
CONTEXT_MESSAGES = 4


class SentimentReport(BaseModel):
    """How the customer feels in their latest message."""

    score: float = Field(description="-1.0 very negative ... 1.0 very positive")
    label: Label = Field(description="negative, neutral or positive")
    frustration: float = Field(description="0.0 calm ... 1.0 furious")
    urgency: float = Field(description="0.0 no hurry ... 1.0 needs action now")
    confidence: float = Field(description="0.0 guessing ... 1.0 certain")
    signals: list[str] = Field(
        default_factory=list, description="names of the cues present, from the allowed list"
    )


class LLMAnalyzer:
    """Reads a message with the chat model; any error, timeout or bad output uses ``fallback``."""

    name = "llm"

    def __init__(
        self, chat_model: BaseChatModel, fallback: SentimentAnalyzer, timeout_s: float
    ) -> None:
        self.fallback = fallback
        self.timeout_s = timeout_s
        # Function calling is the structured-output form most OpenAI-compatible servers support.
        self._structured = chat_model.with_structured_output(
            SentimentReport, method="function_calling", include_raw=True
        )
        # The deadline is enforced here, whatever the client's own timeout and retries; a call that
        # overran keeps its worker until the client gives up, so the pool has a spare.
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=2, thread_name_prefix="llm-sentiment"
        )

    def analyze(self, text: str, context: list[str] | None = None) -> SentimentReading:
        future = self._pool.submit(self._structured.invoke, _messages(text, context))
        try:
            report = _parsed(future.result(timeout=self.timeout_s))
        except concurrent.futures.TimeoutError:
            future.cancel()
            return self._fall_back(text, context, f"timed out after {self.timeout_s:g}s")
        except Exception as exc:  # a failed call or unusable output: the offline reading stands
            return self._fall_back(text, context, f"{type(exc).__name__}: {exc}"[:200])
        return to_reading(report, analyzer=self.name)

    def _fall_back(self, text: str, context: list[str] | None, reason: str) -> SentimentReading:
        reading = self.fallback.analyze(text, context)
        return SentimentReading(
            score=reading.score,
            label=reading.label,
            frustration=reading.frustration,
            urgency=reading.urgency,
            confidence=reading.confidence,
            signals=reading.signals,
            analyzer=self.fallback.name,
            fallback_reason=reason,
        )


def to_reading(report: SentimentReport, *, analyzer: str) -> SentimentReading:
    """Clamp every value into its range and keep only the signals the policy knows."""
    score = _clamp(report.score, -1.0, 1.0)
    return SentimentReading(
        score=score,
        label=report.label,
        frustration=_clamp(report.frustration, 0.0, 1.0),
        urgency=_clamp(report.urgency, 0.0, 1.0),
        confidence=_clamp(report.confidence, 0.0, 1.0),
        signals=tuple(dict.fromkeys(s for s in report.signals if s in KNOWN_SIGNALS)),
        analyzer=analyzer,
    )


def _parsed(result: Any) -> SentimentReport:
    """The report, or a ValueError naming what was wrong with the model's output."""
    if not isinstance(result, dict):  # include_raw=True always answers a dict
        raise ValueError(f"unusable structured output: {type(result).__name__}")
    report = result.get("parsed")
    if isinstance(report, SentimentReport):
        return report
    problem = result.get("parsing_error")
    invalid = getattr(result.get("raw"), "invalid_tool_calls", None)
    if problem is None and invalid:
        problem = invalid[0].get("error") or "arguments are not valid JSON"
    detail = " ".join(str(problem).split())[:160] if problem else "no tool call in the answer"
    raise ValueError(f"unusable structured output: {detail}")


def _messages(text: str, context: list[str] | None) -> list[Any]:
    earlier = (context or [])[-CONTEXT_MESSAGES:]
    context_block = (
        SENTIMENT_CONTEXT_TEMPLATE.format(context="\n".join(f"- {c}" for c in earlier))
        if earlier
        else ""
    )
    return [
        SystemMessage(SENTIMENT_SYSTEM_PROMPT.format(signals=", ".join(KNOWN_SIGNALS))),
        HumanMessage(SENTIMENT_MESSAGE_TEMPLATE.format(context=context_block, text=text)),
    ]


def _clamp(value: float, low: float, high: float) -> float:
    if value != value:  # NaN compares unequal to itself; treat it as the neutral middle
        return (low + high) / 2 if low < 0 else low
    return min(high, max(low, float(value)))
