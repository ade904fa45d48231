"""The widget as customers meet it: greeting and suggestions, phones, long answers, accessibility."""

from __future__ import annotations

import re
from pathlib import Path

from channel_support import RunningServer
from playwright import sync_api

from tests.browser_checks import axe_violations

PHONE = {"width": 390, "height": 844}


def _ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def test_the_demo_page_on_a_phone_shows_the_chat_and_a_suggested_question_works(  # type: ignore[no-untyped-def]
    browser, chat_server: RunningServer, screenshots: Path | None
) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    try:
        page.goto(chat_server.url + "/")
        box = page.get_by_label("Your message")
        sync_api.expect(box).to_be_visible(timeout=10_000)
        # The place to type is above the fold, and nothing is wider than the screen.
        assert box.bounding_box()["y"] + box.bounding_box()["height"] <= PHONE["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        panel = page.locator("[data-tideline]")
        assert panel.bounding_box()["width"] <= PHONE["width"]

        suggestions = page.get_by_role("group", name="Suggested questions")
        sync_api.expect(suggestions).to_be_visible()
        suggestions.get_by_role("button", name="How do I reset my password?").click()
        log = page.get_by_role("log", name="Conversation")
        sync_api.expect(log.locator(".msg.customer .text")).to_have_text(
            "How do I reset my password?", timeout=10_000
        )
        sync_api.expect(suggestions).to_have_count(0)
        answer = log.locator(".msg.bot")
        sync_api.expect(answer).to_have_count(1, timeout=15_000)
        # Timestamps and a thumbs up / down under the answer.
        sync_api.expect(answer.locator("time")).to_have_text(re.compile(r"\d{1,2}:\d{2}"))
        helpful = answer.get_by_role("button", name="👍 Helpful")
        helpful.click()
        sync_api.expect(helpful).to_have_attribute("aria-pressed", "true")
        assert axe_violations(page) == []
        if screenshots:
            page.screenshot(path=str(screenshots / "demo-phone.png"))
    finally:
        page.context.close()


def test_the_floating_widget_fills_a_phone_screen(  # type: ignore[no-untyped-def]
    browser, chat_server: RunningServer, screenshots: Path | None
) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    try:
        page.goto(chat_server.url + "/healthz")
        page.set_content(
            '<!doctype html><html lang="en"><head><title>Shop</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body><main><h1>Shop</h1></main><script src="{chat_server.url}/widget.js"></script>'
            "</body></html>"
        )
        page.get_by_role("button", name="Chat with us").click()
        panel = page.get_by_role("region", name="Support chat")
        sync_api.expect(panel).to_be_visible()
        box = panel.bounding_box()
        assert (box["x"], box["y"]) == (0, 0)
        assert (box["width"], box["height"]) == (PHONE["width"], PHONE["height"])
        sync_api.expect(page.get_by_label("Your message")).to_be_in_viewport()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Close chat").click()
        sync_api.expect(panel).to_be_hidden()
    finally:
        page.context.close()


def test_a_long_answer_opens_at_its_start(  # type: ignore[no-untyped-def]
    browser, chat_server: RunningServer
) -> None:
    page = browser.new_context(viewport={"width": 1000, "height": 380}).new_page()
    try:
        page.goto(chat_server.url + "/")
        _ask(page, "How do I connect my camera to Wi-Fi? Give me all the steps.")
        log = page.get_by_role("log", name="Conversation")
        answer = log.locator(".msg.bot").last
        sync_api.expect(log.get_by_role("list", name="Sources")).to_have_count(1, timeout=15_000)
        page.wait_for_timeout(300)
        top = answer.evaluate("(el) => el.offsetTop - el.parentElement.scrollTop")
        view = log.evaluate("(el) => [el.scrollTop, el.clientHeight, el.scrollHeight]")
        # The answer is taller than the log, and its first line is in view (not its last).
        assert answer.evaluate("(el) => el.offsetHeight") > view[1]
        assert 0 <= top <= 20, (top, view)
        assert view[0] + view[1] < view[2] - 20
    finally:
        page.context.close()
