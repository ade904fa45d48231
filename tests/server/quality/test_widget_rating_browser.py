"""The widget's rating in headless Chromium: end the chat, rate it by keyboard, add a comment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright import sync_api
from sqlmodel import Session

from server.records.quality import get_quality
from server.runtime import Runtime
from tests.browser_checks import axe_violations
from tests.server.channel.channel_support import RunningServer
from tests.server.desk.desk_support import bearer


def test_the_customer_ends_the_chat_and_rates_it_with_the_keyboard(  # type: ignore[no-untyped-def]
    page, quality_server: RunningServer, quality_runtime: Runtime, screenshots: Path | None
) -> None:
    page.goto(quality_server.url + "/")
    sync_api.expect(page.get_by_role("status").first).to_contain_text("Connected", timeout=10_000)
    box = page.get_by_label("Your message")
    box.fill("How long does delivery take?")
    box.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    sync_api.expect(log.get_by_role("list", name="Sources")).to_be_visible(timeout=20_000)

    page.get_by_role("button", name="End chat").click()
    rating = page.get_by_role("group", name="How was this conversation?")
    sync_api.expect(rating).to_be_visible(timeout=10_000)
    sync_api.expect(rating.get_by_role("button")).to_have_count(5)
    sync_api.expect(page.get_by_role("button", name="End chat")).to_be_hidden()

    good = rating.get_by_role("button", name="4 – Good")
    good.focus()
    page.keyboard.press("Enter")  # one key press is the whole rating
    sync_api.expect(good).to_have_attribute("aria-pressed", "true")
    sync_api.expect(
        page.get_by_text("Thank you for rating this conversation (4 of 5).")
    ).to_be_visible()
    assert axe_violations(page) == []
    if screenshots:
        page.screenshot(path=str(screenshots / "widget-rating.png"))

    page.get_by_label("Anything to add? (optional)").fill("Clear answer, quick.")
    page.get_by_role("button", name="Send comment").click()
    sync_api.expect(page.get_by_text("your rating and comment were sent")).to_be_visible()

    conversation_id = page.evaluate("window.TidelineWidget.conversationId()")
    row = None
    for _ in range(50):
        with Session(quality_runtime.engine) as session:
            row = get_quality(session=session, conversation_id=conversation_id)
        if row is not None and row.comment:
            break
        page.wait_for_timeout(100)
    assert row is not None
    assert (row.ended_by, row.rating, row.comment) == ("customer", 4, "Clear answer, quick.")

    # A reload shows the rating given, not a fresh question.
    page.reload()
    sync_api.expect(
        page.get_by_role("group", name="How was this conversation?").get_by_role(
            "button", name="4 – Good"
        )
    ).to_have_attribute("aria-pressed", "true")


def test_a_customer_waiting_in_the_queue_ends_the_chat_from_the_widget(  # type: ignore[no-untyped-def]
    page, quality_server: RunningServer, quality_runtime: Runtime
) -> None:
    page.goto(quality_server.url + "/")
    sync_api.expect(page.get_by_role("status").first).to_contain_text("Connected", timeout=10_000)
    box = page.get_by_label("Your message")
    box.fill("I want to talk to a human, right now please")
    box.press("Enter")
    sync_api.expect(page.get_by_text("Waiting for a person")).to_be_visible(timeout=20_000)

    page.get_by_role("button", name="End chat").click()
    sync_api.expect(
        page.get_by_text("You left the queue and ended the conversation.")
    ).to_be_visible(timeout=10_000)
    rating = page.get_by_role("group", name="How was this conversation?")
    sync_api.expect(rating).to_be_visible(timeout=10_000)
    sync_api.expect(page.get_by_role("button", name="End chat")).to_be_hidden()
    assert axe_violations(page) == []

    conversation_id = page.evaluate("window.TidelineWidget.conversationId()")
    with Session(quality_runtime.engine) as session:
        row = get_quality(session=session, conversation_id=conversation_id)
    assert row is not None and row.ended_by == "customer"


def test_while_a_person_chats_the_widget_says_only_they_can_end_it(  # type: ignore[no-untyped-def]
    page, quality_server: RunningServer, make_account: Callable[..., tuple[str, str]]
) -> None:
    _, token = make_account()
    page.goto(quality_server.url + "/")
    sync_api.expect(page.get_by_role("status").first).to_contain_text("Connected", timeout=10_000)
    box = page.get_by_label("Your message")
    box.fill("I want to talk to a human, right now please")
    box.press("Enter")
    sync_api.expect(page.get_by_text("Waiting for a person")).to_be_visible(timeout=20_000)
    conversation_id = page.evaluate("window.TidelineWidget.conversationId()")
    queue = httpx.get(quality_server.url + "/api/handoffs", headers=bearer(token)).json()
    (handoff,) = [h for h in queue if h["conversation_id"] == conversation_id]
    claimed = httpx.post(
        quality_server.url + f"/api/handoffs/{handoff['id']}/claim", headers=bearer(token)
    )
    assert claimed.status_code == 200, claimed.text

    page.get_by_role("button", name="End chat").click()
    sync_api.expect(page.get_by_role("alert")).to_contain_text(
        "only they can end this conversation", timeout=10_000
    )
    sync_api.expect(page.get_by_role("button", name="End chat")).to_be_visible()
