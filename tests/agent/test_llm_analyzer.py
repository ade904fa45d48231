"""The LLM sentiment analyzer against a real OpenAI-compatible server: output and fallbacks."""

# ruff: noqa: F811

from __future__ import annotations

import json
import time

import pytest

from agent.llm import build_chat_model
from agent.sentiment.llm import LLMAnalyzer
from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.reading import SentimentReading
from agent.settings import Settings

# The fixtures are imported here because this directory's conftest belongs to another part; ruff
# reads each test's `openai_server` parameter as a redefinition of the import (F811).
from tests.fakes.openai_server import (  # noqa: F401
    FakeOpenAIServer,
    ScriptedReply,
    _openai_server_process,
    openai_server,
)

FURIOUS = {
    "score": -0.8,
    "label": "negative",
    "frustration": 0.9,
    "urgency": 0.7,
    "confidence": 0.85,
    "signals": ["elapsed_time_complaint", "explicit_human_request", "made_up_signal"],
}


class KeywordAnalyzer:
    """A stand-in for the offline analyzer: 'angry' reads as negative, anything else neutral."""

    name = "keyword"

    def analyze(self, text: str, context: list[str] | None = None) -> SentimentReading:
        angry = "angry" in text.lower()
        return SentimentReading(
            score=-0.5 if angry else 0.0,
            label="negative" if angry else "neutral",
            frustration=0.6 if angry else 0.1,
            urgency=0.2,
            confidence=0.5,
            analyzer=self.name,
        )


def analyzer(server: FakeOpenAIServer, fallback=None, timeout_s: float = 2.0) -> LLMAnalyzer:
    model = build_chat_model(
        Settings(openai_base_url=server.base_url, chat_timeout_s=5.0, chat_max_retries=0)
    )
    assert model is not None
    return LLMAnalyzer(model, fallback=fallback or KeywordAnalyzer(), timeout_s=timeout_s)


def test_structured_output_becomes_a_reading(openai_server) -> None:
    openai_server.default = ScriptedReply(structured=FURIOUS)
    reading = analyzer(openai_server).analyze(
        "Please advise. This has been outstanding for 14 business days.",
        context=["I wrote last week about my order", "Still nothing?"],
    )

    assert reading.analyzer == "llm" and reading.fallback_reason is None
    assert (reading.score, reading.label, reading.frustration) == (-0.8, "negative", 0.9)
    assert (reading.urgency, reading.confidence) == (0.7, 0.85)
    assert reading.signals == ("elapsed_time_complaint", "explicit_human_request")

    sent = openai_server.requests[-1]
    assert sent["tools"][0]["function"]["name"] == "SentimentReport"
    user = sent["messages"][-1]["content"]
    assert "outstanding for 14 business days" in user and "Still nothing?" in user
    assert "sarcasm_suspected" in sent["messages"][0]["content"]  # the allowed signal names


def test_values_out_of_range_are_clamped(openai_server) -> None:
    wild = {**FURIOUS, "score": -3.0, "frustration": 1.7, "urgency": -0.4, "confidence": 2}
    openai_server.default = ScriptedReply(structured=wild)
    reading = analyzer(openai_server).analyze("I AM SO ANGRY")

    assert (reading.score, reading.frustration, reading.urgency, reading.confidence) == (
        -1.0,
        1.0,
        0.0,
        1.0,
    )


def test_timeout_returns_the_fallback_reading_in_time(openai_server) -> None:
    openai_server.default = ScriptedReply(failure="hang", hang_s=10)
    started = time.monotonic()
    reading = analyzer(openai_server, timeout_s=0.3).analyze("I am angry about this")

    assert time.monotonic() - started < 1.0
    assert reading.analyzer == "keyword" and reading.label == "negative"
    assert reading.fallback_reason == "timed out after 0.3s"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (ScriptedReply(raw_arguments='{"score": -0.5, "label": '), "unusable structured output"),
        (ScriptedReply(structured={**FURIOUS, "label": "furious"}), "unusable structured output"),
        (ScriptedReply(structured={"score": "very bad"}), "unusable structured output"),
        (ScriptedReply(failure="malformed_body"), "JSONDecodeError"),
        (ScriptedReply(failure="http_500"), "500"),
    ],
    ids=["truncated-json", "unknown-label", "missing-fields", "malformed-body", "http-500"],
)
def test_bad_output_or_errors_fall_back_with_the_reason_recorded(
    openai_server, reply: ScriptedReply, reason: str
) -> None:
    openai_server.default = reply
    reading = analyzer(openai_server).analyze("I am angry, where is my parcel")

    assert reading.analyzer == "keyword" and reading.label == "negative"
    assert reading.fallback_reason is not None and reason in reading.fallback_reason
    assert json.dumps(reading.to_dict())  # still a storable reading


def test_the_offline_analyzer_answers_when_the_model_is_down(openai_server) -> None:
    offline = OfflineAnalyzer.load()
    openai_server.default = ScriptedReply(failure="http_500")
    text = "Oh great, another delay. Let me talk to a real person."
    reading = analyzer(openai_server, fallback=offline).analyze(text)

    assert reading.analyzer == "offline" and reading.fallback_reason is not None
    expected = offline.analyze(text)
    assert (reading.score, reading.label, reading.signals) == (
        expected.score,
        expected.label,
        expected.signals,
    )
