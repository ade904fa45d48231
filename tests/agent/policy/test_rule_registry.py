"""Rules in rooms: every registered rule has its section, signals are one enum with one table."""

from __future__ import annotations

import json

import yaml

from agent.policy.config import DEFAULT_POLICY_PATH, Rules
from agent.policy.rules.registry import registered
from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.signals import KNOWN_SIGNALS, SIGNALS, Signal


def test_every_registered_rule_is_a_section_of_the_schema_and_the_shipped_file() -> None:
    ids = [spec.id for spec in registered()]
    assert ids[0] == "explicit_request"  # it wins every tie: the clearest reason
    assert list(Rules.model_fields) == ids
    shipped = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    assert list(shipped["rules"]) == ids
    assert [s.id for s in registered() if not s.decides] == ["repeat_contact"]


def test_every_signal_has_one_row_in_the_table_and_keeps_its_wire_name() -> None:
    assert set(SIGNALS) == set(Signal)
    assert tuple(s.value for s in Signal) == KNOWN_SIGNALS
    assert all(0.0 <= info.weight <= 1.0 and info.description for info in SIGNALS.values())
    reading = OfflineAnalyzer.load().analyze("LET ME TALK TO A HUMAN, this is the third time")
    assert Signal.EXPLICIT_HUMAN_REQUEST in reading.signals
    # Records and the wire carry the plain names, never the enum's repr.
    data = json.loads(json.dumps(reading.to_dict()))
    assert "explicit_human_request" in data["signals"]
    assert all(type(s) is str for s in reading.to_dict()["signals"])
