"""The automatic tag in the console (headless Chromium): the tagged customer's waiting handoff shows
"at risk: <rule>" on its queue row, ahead of an untagged customer who asked first, and the
outreach desk's applied item shows the tag on the customer's journey."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright import sync_api
from sqlmodel import Session

from agent.handoff import HandoffPackage
from agent.outreach.policy import parse_outreach_policy
from agent.outreach.scan import ScanSetup
from server.app import create_app
from server.proactive.scan import scan_records
from server.records.agents import create_agent
from server.records.conversations import create_conversation
from server.records.handoffs import open_handoff
from server.runtime import open_runtime
from server.settings import ServerSettings
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.browser_checks import axe_violations
from tests.server.channel.channel_support import TEST_LIMITS, RunningServer
from tests.server.proactive.proactive_support import store_history
from tests.server.proactive.test_outreach_tags import TAG_POLICY

TAG = "at risk: labels_printing_blank"


def _package(conversation_id: str, text: str) -> HandoffPackage:
    return HandoffPackage(
        conversation_id=conversation_id,
        rule="explicit_request",
        severity="medium",
        risk=0.5,
        rationale="asked for a person",
        summary="asked for a person",
        transcript=[{"role": "customer", "text": text, "seq": 1}],
        sentiment_series=[],
        decisions=[],
    )


@pytest.fixture
def console(tmp_path: Path, sample_data_dir: Path) -> Iterator[tuple[RunningServer, str]]:
    settings = ServerSettings(
        data_dir=sample_data_dir, database_url=f"sqlite:///{tmp_path / 'records.db'}"
    )  # type: ignore[call-arg]
    with open_runtime(settings, load_sample=False) as runtime:
        shift = time.time() - NOW.timestamp()
        with Session(runtime.engine) as session:
            store_history(session, polite_and_cooling(), customer_id="sam-okafor", shift_s=shift)
            store_history(session, blunt_but_loyal(), customer_id="dana-ruiz", shift_s=shift)
            _, token = create_agent(session=session, name="Ines", role="supervisor")
        policy = parse_outreach_policy(TAG_POLICY, source="test")
        setup = ScanSetup(runtime.analyzer, policy, datetime.now(UTC))
        assert scan_records(runtime.engine, setup).filed == 1
        with Session(runtime.engine) as session:
            for customer in ("dana-ruiz", "sam-okafor"):  # Dana asks first
                conversation = create_conversation(session=session, customer_id=customer)
                open_handoff(session=session, package=_package(conversation.id, "A person?"))
        app = create_app(settings, runtime=runtime, limits=TEST_LIMITS)
        with RunningServer(app) as server:
            yield server, token


def test_the_tag_shows_on_the_queue_row_and_the_journey(  # type: ignore[no-untyped-def]
    browser, console: tuple[RunningServer, str]
) -> None:
    server, token = console
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    try:
        page.goto(server.url + "/console")
        page.get_by_label("Agent token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        rows = page.get_by_role("list", name="Waiting handoffs").get_by_role("button")
        sync_api.expect(rows).to_have_count(2, timeout=10_000)
        # The tagged customer comes first, though Dana asked first, and the row says why.
        sync_api.expect(rows.nth(0)).to_contain_text("sam-okafor")
        sync_api.expect(rows.nth(0)).to_contain_text(TAG)
        sync_api.expect(rows.nth(1)).to_contain_text("dana-ruiz")
        sync_api.expect(rows.nth(1)).not_to_contain_text("at risk")
        assert axe_violations(page) == []

        page.goto(server.url + "/console/outreach")
        page.get_by_label("Show").select_option("applied")
        flagged = page.get_by_role("list", name="Flagged customers")
        flagged.get_by_role("button").filter(has_text="sam-okafor").click()
        detail = page.locator("#outreach-detail")
        sync_api.expect(detail).to_contain_text(f"Tagged {TAG} by the outreach policy")
    finally:
        page.context.close()
