"""A support lead's day in real Chromium: queue places that move, closing and starting again,
saved replies, internal notes, safe Markdown, ratings, history, layout on a laptop and a phone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from desk_support import Account, bearer
from playwright import sync_api

from tests.browser_checks import axe_violations
from tests.server.channel.channel_support import RunningServer

XSS = (
    "Here is what I did:\n- moved the camera to **2.4 GHz**\n- restarted it\n"
    "Guide: [camera help](https://help.lumora.example/articles/camera-offline)\n"
    '<img src=x onerror="window.pwned=1"> [click](javascript:window.pwned=2)'
)


def _ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def _sign_in(page, server: RunningServer, token: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/console")
    page.get_by_label("Agent token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    sync_api.expect(page.locator("#conn")).to_have_text("Live", timeout=10_000)


def _queued(browser, server: RunningServer, text: str, first: str | None = None):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    page.goto(server.url + "/")
    sync_api.expect(page.get_by_role("status")).to_contain_text("Connected", timeout=10_000)
    if first:  # a question the bot answers before the customer asks for a person
        _ask(page, first)
        sync_api.expect(page.locator("[data-tideline] >> .msg.bot")).to_have_count(
            1, timeout=15_000
        )
    _ask(page, text)
    sync_api.expect(page.get_by_role("status")).to_contain_text(
        "Waiting for a person", timeout=15_000
    )
    return page


def test_queue_places_move_and_a_closed_chat_starts_again(  # type: ignore[no-untyped-def]
    browser,
    desk_server: RunningServer,
    make_account: Callable[..., Account],
    screenshots: Path | None,
) -> None:
    _, token = make_account("supervisor")
    with httpx.Client(base_url=desk_server.url) as api:
        for row in api.get("/api/handoffs", headers=bearer(token)).json():  # an empty queue
            if row["status"] in ("waiting", "claimed"):
                api.post(f"/api/handoffs/{row['id']}/close", headers=bearer(token), json={})
    first = _queued(browser, desk_server, "I want to talk to a human about my invoice")
    second = _queued(browser, desk_server, "Please get me a real person, my camera is offline")
    console = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        sync_api.expect(second.get_by_role("status")).to_contain_text("number 2")
        # A message while waiting is acknowledged as seen by the person who joins.
        _ask(second, "It is the front door camera")
        sync_api.expect(second.locator("[data-tideline] >> .note")).to_contain_text(
            "A person will see this when they join", timeout=10_000
        )
        _sign_in(console, desk_server, token)
        waiting = console.get_by_role("list", name="Waiting handoffs")
        waiting.get_by_role("button").filter(has_text="invoice").click()
        console.get_by_role("button", name="Claim", exact=True).click()
        # The queue moved: the second customer is told without doing anything.
        sync_api.expect(second.get_by_role("status")).to_contain_text(
            "next in line", timeout=10_000
        )

        # Layout at 1280x800: the transcript and the reply box come first, above the fold.
        reply = console.get_by_label("Reply to the customer")
        sync_api.expect(reply).to_be_enabled(timeout=10_000)
        sync_api.expect(reply).to_be_in_viewport()
        box = reply.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800
        assert console.get_by_role("log", name="Transcript").bounding_box()["y"] < box["y"]

        # Safe Markdown from an agent: a list and a link, never raw HTML or a javascript: link.
        reply.fill(XSS)
        reply.press("Enter")
        log = first.get_by_role("log", name="Conversation")
        agent_msg = log.locator(".msg.agent")
        sync_api.expect(agent_msg.locator("li")).to_have_count(2, timeout=10_000)
        sync_api.expect(agent_msg.locator("strong")).to_have_text("2.4 GHz")
        link = agent_msg.get_by_role("link", name="camera help")
        sync_api.expect(link).to_have_attribute(
            "href", "https://help.lumora.example/articles/camera-offline"
        )
        assert first.locator("[data-tideline] >> img").count() == 0
        assert agent_msg.locator("a[href^='javascript']").count() == 0
        assert first.evaluate("window.pwned") is None
        who = agent_msg.locator(".who").inner_text()
        assert who.startswith("supervisor-")  # the agent's display name, kept after a reload
        first.reload()
        sync_api.expect(first.locator("[data-tideline] >> .msg.agent .who")).to_have_text(who)

        # Closing asks first; then the customer can start again instead of hitting a dead end.
        console.get_by_role("button", name="Close conversation…").click()
        confirm = console.get_by_role("group", name="Confirm closing")
        sync_api.expect(confirm).to_be_visible()
        confirm.get_by_role("button", name="Keep it open").click()
        sync_api.expect(confirm).to_be_hidden()
        sync_api.expect(console.locator("#handoff-status")).to_contain_text("claimed by you")
        console.get_by_role("button", name="Close conversation…").click()
        confirm.get_by_role("button", name="Yes, close it").click()
        restart = first.get_by_role("button", name="Start a new conversation")
        sync_api.expect(restart).to_be_visible(timeout=10_000)
        old_id = first.evaluate("window.TidelineWidget.conversationId()")
        first.reload()  # still offered after a reload
        sync_api.expect(restart).to_be_visible()
        _ask(first, "How do I reset my password?")
        log = first.get_by_role("log", name="Conversation")
        sync_api.expect(log.locator(".msg.bot")).to_have_count(1, timeout=15_000)
        assert first.evaluate("window.TidelineWidget.conversationId()") not in (None, old_id)
        sync_api.expect(restart).to_be_hidden()
        if screenshots:
            console.screenshot(path=str(screenshots / "console-1280.png"))
    finally:
        for page in (first, second, console):
            page.context.close()


def test_notes_saved_replies_ratings_and_history(  # type: ignore[no-untyped-def]
    browser,
    desk_server: RunningServer,
    make_account: Callable[..., Account],
    screenshots: Path | None,
) -> None:
    _, token = make_account("supervisor")
    customer = _queued(
        browser, desk_server, "Please get me a human", first="How do I reset my password?"
    )
    console = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        _sign_in(console, desk_server, token)
        # A supervisor adds a saved reply in the supervisor view.
        console.get_by_role("button", name="Supervisor view").click()
        console.get_by_label("Shortcut").fill("reset-h15")
        console.get_by_label("Title").fill("Password reset link")
        console.get_by_label("Reply text").fill("I have sent you a new password reset link.")
        console.get_by_role("button", name="Add saved reply").click()
        sync_api.expect(console.get_by_role("list", name="Saved replies")).to_contain_text(
            "/reset-h15"
        )
        assert axe_violations(console) == []

        console.get_by_role("button", name="Queue").click()
        console.get_by_role("list", name="Waiting handoffs").get_by_role("button").filter(
            has_text="get me a human"
        ).last.click()
        console.get_by_role("button", name="Claim", exact=True).click()
        reply = console.get_by_label("Reply to the customer")
        sync_api.expect(reply).to_be_enabled(timeout=10_000)
        reply.fill("/reset-h")
        reply.press("Tab")
        sync_api.expect(reply).to_have_value("I have sent you a new password reset link.")

        # Customer is typing… clears when their message arrives.
        customer.get_by_label("Your message").fill("Thanks, I")
        typing = console.locator("#typing")
        sync_api.expect(typing).to_have_text("Customer is typing…", timeout=10_000)
        customer.get_by_label("Your message").fill("Thanks, I got it")
        customer.get_by_label("Your message").press("Enter")
        sync_api.expect(console.get_by_role("log", name="Transcript")).to_contain_text(
            "I got it", timeout=10_000
        )
        sync_api.expect(typing).to_have_text("")

        # An internal note: colleagues see it, the customer never does.
        console.get_by_label("Write an internal note").fill(
            "Customer is on the legacy plan: check ZX-4471"
        )
        console.get_by_role("button", name="Add note").click()
        sync_api.expect(console.get_by_role("list", name="Internal notes")).to_contain_text(
            "legacy plan"
        )
        customer.wait_for_timeout(500)
        assert "legacy plan" not in customer.locator("[data-tideline]").inner_text()

        # The customer's thumbs on the bot's answer show on the supervisor's transcript.
        bot_answer = customer.locator("[data-tideline] >> .msg.bot").first
        bot_answer.get_by_role("button", name="👎 Not helpful").click()
        sync_api.expect(console.get_by_role("log", name="Transcript")).to_contain_text(
            "customer found this unhelpful", timeout=10_000
        )
        assert axe_violations(console) == []

        # Hand back; the handoff leaves the queue but stays in History, unlabelled, searchable.
        console.get_by_label("Note for the bot").fill("Reset link sent")
        console.get_by_role("button", name="Hand back to the bot").click()
        sync_api.expect(console.locator("#handoff-status")).to_contain_text(
            "handed back", timeout=10_000
        )
        console.get_by_role("button", name="History").click()
        console.get_by_label("Search history").fill("Please get me a human")
        console.get_by_label("Only unlabelled").check()
        found = console.get_by_role("list", name="Finished handoffs").get_by_role("button")
        sync_api.expect(found).to_have_count(1, timeout=10_000)
        found.click()
        console.get_by_role("button", name="Resolved", exact=True).click()
        sync_api.expect(
            console.get_by_role("button", name="Resolved", exact=True)
        ).to_have_attribute("aria-pressed", "true", timeout=10_000)
        # The chart plots each customer message once, and no label covers another.
        points = console.locator("#chart [data-point=score]").count()
        assert points == customer.locator("[data-tideline] >> .msg.customer").count()
        boxes = console.locator("#chart [data-label]").evaluate_all(
            "(ls) => ls.map((l) => { const b = l.getBBox(); return [b.x, b.y, b.width, b.height]; })"
        )
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (
                    a[0] < b[0] + b[2]
                    and b[0] < a[0] + a[2]
                    and a[1] < b[1] + b[3]
                    and b[1] < a[1] + a[3]
                ), boxes

        # On a phone the console is usable: the list folds, Sign out is on screen.
        console.set_viewport_size({"width": 390, "height": 844})
        sign_out = console.get_by_role("button", name="Sign out")
        sync_api.expect(sign_out).to_be_in_viewport()
        assert console.evaluate("document.documentElement.scrollWidth") <= 390
        sync_api.expect(console.get_by_role("log", name="Transcript")).to_be_in_viewport()
        if screenshots:
            console.screenshot(path=str(screenshots / "console-phone.png"))
    finally:
        customer.context.close()
        console.context.close()
