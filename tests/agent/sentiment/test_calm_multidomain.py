"""Cues stay quiet on calm task language from several domains (evals/data/calm_multidomain.jsonl)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from agent.sentiment.cues import detect
from agent.sentiment.offline import OfflineAnalyzer

_CALM = Path(__file__).parents[3] / "evals" / "data" / "calm_multidomain.jsonl"
# Cues that describe calm messages by design: thanks, and cancelling something as a task.
_CALM_CUES = {"gratitude", "cancellation_request"}


def _messages() -> list[dict[str, str]]:
    return [json.loads(line) for line in _CALM.read_text().splitlines() if line.strip()]


def test_the_calm_set_is_large_and_spans_domains() -> None:
    rows = _messages()
    assert len(rows) >= 500
    assert len({r["domain"] for r in rows}) >= 6


def test_no_alarm_cue_fires_on_calm_task_language() -> None:
    fired: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for row in _messages():
        for cue in detect(row["text"]):
            if cue not in _CALM_CUES:
                fired[cue] += 1
                examples.setdefault(cue, row["text"])
    assert not fired, f"cues fired on calm messages: {dict(fired)}, e.g. {examples}"


def test_travel_and_hotel_phrases_read_as_tasks() -> None:
    assert "threat_to_cancel" not in detect("I am leaving from Cambridge")
    assert "threat_to_cancel" not in detect("I'll be leaving on Thursday")
    assert "safety_concern" not in detect("Do they have rooms that allow smoking?")
    assert "safety_concern" not in detect("is there somewhere to charge my phone?")


def test_real_threats_still_fire() -> None:
    assert "threat_to_cancel" in detect("Fix this or I'm leaving you for a competitor.")
    assert "threat_to_cancel" in detect("I'm going to cancel my account if this isn't sorted.")
    assert "threat_to_cancel" in detect("I will switch providers tomorrow.")
    assert "safety_concern" in detect("The charger started smoking and smells of burning.")
    assert "safety_concern" in detect("smoke came out of the back of the router")
    assert "safety_concern" in detect("the battery is swollen and the phone gets really hot")


def test_the_offline_reader_keeps_calm_task_language_below_the_policy_thresholds(
    offline_analyzer: OfflineAnalyzer,
) -> None:
    # Measured 0 of 700 over either threshold (frustration 0.75, score -0.6) when the set was made.
    reader = offline_analyzer  # the shipped reader as a server runs it (with sentence vectors)
    alarmed = []
    for row in _messages():
        reading = reader.analyze(row["text"])
        if reading.frustration >= 0.75 or reading.score <= -0.6:
            alarmed.append(row["text"])
    assert len(alarmed) <= 0.01 * len(_messages()), alarmed
