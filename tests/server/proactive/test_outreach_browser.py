"""The outreach desk in the console, in headless Chromium at a phone's width: a flagged customer's
rule, evidence, journey and draft; a supervisor edits the draft, approves it, and it is delivered."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright import sync_api
from sqlmodel import Session

from agent.outreach.policy import read_outreach_policy
from agent.outreach.scan import ScanSetup
from server.app import create_app
from server.channel.identity import sign_customer
from server.proactive.scan import scan_records
from server.records.agents import create_agent
from server.runtime import open_runtime
from server.settings import ServerSettings
from tests.agent.outreach.helpers import NOW, polite_and_cooling
from tests.browser_checks import axe_violations
from tests.server.channel.channel_support import TEST_LIMITS, RunningServer
from tests.server.proactive.proactive_support import Receiver, store_history

CUSTOMER_SECRET = "browser-customer-secret"
# The host's own page, signed in as the customer: the widget is embedded with the signed id.
SHOP_PAGE = """<!doctype html><html lang="en"><head><title>Shop</title></head><body><main>
<h1>Your orders</h1><div id="chat"></div></main>
<script src="{server}/widget.js" data-target="#chat" data-customer-id="sam-okafor"
 data-customer-signature="{signature}"></script></body></html>"""


@pytest.fixture
def desk(tmp_path: Path, sample_data_dir: Path) -> Iterator[tuple[RunningServer, Receiver, str]]:
    with Receiver() as receiver:
        settings = ServerSettings(
            data_dir=sample_data_dir,
            database_url=f"sqlite:///{tmp_path / 'records.db'}",
            outreach_webhook_url=receiver.url,
            outreach_webhook_secret="browser-test-secret",
            customer_secret=CUSTOMER_SECRET,
        )  # type: ignore[call-arg]
        with open_runtime(settings, load_sample=False) as runtime:
            with Session(runtime.engine) as session:
                shift = time.time() - NOW.timestamp()
                store_history(
                    session, polite_and_cooling(), customer_id="sam-okafor", shift_s=shift
                )
                _, token = create_agent(session=session, name="Ines", role="supervisor")
            setup = ScanSetup(runtime.analyzer, read_outreach_policy(), datetime.now(UTC))
            assert scan_records(runtime.engine, setup).filed == 1
            app = create_app(settings, runtime=runtime, limits=TEST_LIMITS)
            with RunningServer(app) as server:
                yield server, receiver, token


def test_a_supervisor_edits_and_approves_a_check_in_on_a_phone(  # type: ignore[no-untyped-def]
    browser, desk: tuple[RunningServer, Receiver, str], screenshots: Path | None
) -> None:
    server, receiver, token = desk
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        page.goto(server.url + "/console/outreach")
        page.get_by_label("Agent token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        # A supervisor first sees what followed earlier outreach: nothing yet.
        report = page.locator("#outreach-report")
        sync_api.expect(report).to_contain_text("What followed the flags (1)", timeout=10_000)
        sync_api.expect(report).to_contain_text("Flagged, no outreach")
        assert axe_violations(page) == []
        flagged = page.get_by_role("list", name="Flagged customers")
        row = flagged.get_by_role("button").filter(has_text="sam-okafor")
        sync_api.expect(row).to_contain_text("cooling with open issue", timeout=10_000)
        row.click()
        sync_api.expect(page.locator("#outreach-detail")).to_contain_text("Why flagged")
        journey = page.get_by_role("table")
        sync_api.expect(journey.locator("tbody tr")).to_have_count(4)
        sync_api.expect(journey).to_contain_text("not resolved")
        body = page.get_by_label("Message")
        sync_api.expect(body).to_have_value(re.compile("Shipping labels", re.I))
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        if screenshots:
            page.screenshot(path=str(screenshots / "outreach-phone.png"), full_page=True)

        edited = "Hi Sam, the blank shipping labels are mine to fix. Could I call you Thursday?"
        body.fill(edited)
        page.get_by_role("button", name="Approve and send").click()
        sync_api.expect(page.locator(".toast")).to_contain_text("Approved")
        deadline = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [b["body"] for b in receiver.bodies()] == [edited]
        # Approved and sent: off the open queue.
        sync_api.expect(flagged).to_contain_text("Nobody is flagged.")
    finally:
        page.context.close()

    # The customer next opens the widget on the shop's page: the message opens a conversation.
    shop = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        signature = sign_customer(CUSTOMER_SECRET, "sam-okafor")
        # The shop is its own site on 127.0.0.1 (another port), embedding the widget.
        with Receiver(page=SHOP_PAGE.format(server=server.url, signature=signature)) as site:
            shop.goto(site.url)
            log = shop.get_by_role("log", name="Conversation")
            agent = log.locator(".msg.agent")
            sync_api.expect(agent).to_contain_text(edited, timeout=10_000)
            sync_api.expect(agent).to_contain_text("Ines")
    finally:
        shop.context.close()
