"""The scan judges each customer against their own baseline, with the shipped analyzer and policy."""

from __future__ import annotations

import pytest

from agent.outreach.drafts import FEELING_WORDS, MONEY_WORDS
from agent.outreach.history import HistoryError, parse_history
from agent.outreach.policy import read_outreach_policy
from agent.outreach.scan import ScanSetup, scan_customer
from agent.sentiment.offline import OfflineAnalyzer
from tests.agent.outreach.helpers import (
    NOW,
    blunt_but_loyal,
    conversation,
    history,
    polite_and_cooling,
)


@pytest.fixture(scope="module")
def setup() -> ScanSetup:
    return ScanSetup(OfflineAnalyzer.load(), read_outreach_policy(), NOW)


def test_blunt_customer_who_is_always_resolved_and_rates_well_is_not_flagged(
    setup: ScanSetup,
) -> None:
    outcome = scan_customer(parse_history(blunt_but_loyal()), setup)
    assert outcome["flagged"] is False
    assert outcome["draft"] is None and outcome["contact_by"] is None


def test_polite_customer_cooling_on_an_open_issue_is_flagged_with_a_draft(setup: ScanSetup) -> None:
    outcome = scan_customer(parse_history(polite_and_cooling()), setup)
    assert outcome["flagged"] is True
    assert outcome["tier"] == "draft_checkin"
    assert outcome["evidence"]["signals"]["repeat_contacts"] is True
    body = outcome["draft"]["body"]
    assert "shipping labels" in body.lower()  # the customer's own issue, named
    assert body.startswith("Hi Sam,")
    assert not FEELING_WORDS.search(body) and not MONEY_WORDS.search(body)
    assert "value your business" not in body
    assert len(body.split()) < 120
    assert outcome["contact_by"] > NOW.isoformat()


def test_key_account_goes_to_the_account_manager(setup: ScanSetup) -> None:
    raw = polite_and_cooling()
    raw["attributes"].update(segment="enterprise", account_manager="Helen Park")
    outcome = scan_customer(parse_history(raw), setup)
    assert outcome["tier"] == "alert_account_manager"
    assert "Helen Park" in outcome["draft"]["body"]


def test_renewal_with_usage_falling_recommends_a_retention_step(setup: ScanSetup) -> None:
    raw = history(
        [conversation(20, "Is there a way to bulk edit products?", resolved=True)],
        renewal_date="2026-03-20",
    )
    # Logins every other day for three months, then two in the last month.
    raw["events"] = [
        {"type": "login", "at": f"2025-{m:02d}-{d:02d}T09:00:00Z"}
        for m in (11, 12)
        for d in range(1, 29, 2)
    ]
    raw["events"] += [
        {"type": "login", "at": "2026-01-10T09:00:00Z"},
        {"type": "login", "at": "2026-01-20T09:00:00Z"},
    ]
    raw["events"] += [{"type": "login", "at": "2026-02-05T09:00:00Z"}]
    outcome = scan_customer(parse_history(raw), setup)
    assert outcome["tier"] == "recommend_retention"
    assert outcome["evidence"]["usage_ratio"] < 0.5


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "expected a JSON object"),
        ({"conversations": []}, "customer_id"),
        (history([{"started_at": "yesterday", "turns": []}]), "conversations[0].started_at"),
        (history([conversation(1, "hi", resolved=True, csat=9)]), "conversations[0].csat"),
        (
            history([{"started_at": "2026-01-01", "turns": [{"speaker": "robot", "text": "x"}]}]),
            "speaker",
        ),
    ],
)
def test_malformed_history_names_the_field(raw: object, message: str) -> None:
    with pytest.raises(HistoryError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_history(raw)
