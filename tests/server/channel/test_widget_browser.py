"""The widget in real headless Chromium: streamed text, citations, reconnect and resume."""

from __future__ import annotations

import time
from pathlib import Path

from channel_support import TEST_LIMITS, RunningServer
from playwright import sync_api

from server.app import create_app
from server.runtime import Runtime
from server.settings import ServerSettings


def _words(text: str) -> list[str]:
    return [w for w in text.replace("•", " ").split() if w not in ("-", "*")]


def _ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")  # the keyboard is enough: no mouse needed


def test_chat_shows_streamed_text_and_citations(  # type: ignore[no-untyped-def]
    page, slow_chat_server: RunningServer, screenshots: Path | None
) -> None:
    page.goto(slow_chat_server.url + "/")
    log = page.get_by_role("log", name="Conversation")
    sync_api.expect(page.get_by_role("status")).to_contain_text("Connected", timeout=10_000)
    _ask(page, "How do I reset my password?")

    sync_api.expect(log.locator(".msg.customer .text")).to_have_text("How do I reset my password?")
    sync_api.expect(page.get_by_text("Assistant is typing…")).to_be_visible(timeout=10_000)
    draft = log.locator(".msg.bot .text")
    # Partway through the stream the reply is visible but not finished.
    sync_api.expect(draft).not_to_have_text("", timeout=10_000)
    partial = draft.inner_text()
    sources = log.get_by_role("list", name="Sources")
    assert sources.count() == 0, "sources appear with the final message, not while streaming"

    sync_api.expect(sources).to_be_visible(timeout=20_000)
    final = draft.inner_text()
    # The final answer is drawn from Markdown (list markers become list items): compare words.
    words, streamed = _words(final), _words(partial)
    # The streamed words start the final text (the last streamed word may be cut mid-word).
    assert len(words) > len(streamed) >= 1
    settled = streamed[:-1][:4]
    assert words[: len(settled)] == settled and words[len(streamed) - 1].startswith(streamed[-1])
    links = sources.get_by_role("link")
    assert links.count() >= 1
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    # The sample articles are served by Tideline itself: /help/<doc_id> on the widget's server.
    assert all(h and h.startswith(f"{slow_chat_server.url}/help/") for h in hrefs)
    assert any("password-reset" in h for h in hrefs if h)
    sync_api.expect(page.get_by_text("Assistant is typing…")).to_have_count(0)
    if screenshots:
        page.screenshot(path=str(screenshots / "widget.png"))


def test_lost_connection_resumes_the_conversation(
    page,  # type: ignore[no-untyped-def]
    channel_settings: ServerSettings,
    slow_runtime: Runtime,
    screenshots: Path | None,
) -> None:
    server = RunningServer(create_app(channel_settings, runtime=slow_runtime, limits=TEST_LIMITS))
    server.__enter__()
    port = server.port
    try:
        page.goto(server.url + "/")
        sync_api.expect(page.get_by_role("status")).to_contain_text("Connected", timeout=10_000)
        log = page.get_by_role("log", name="Conversation")
        _ask(page, "How long does delivery take?")
        sync_api.expect(log.locator(".msg.bot .text")).not_to_have_text("", timeout=10_000)

        # The server goes away in the middle of the streamed reply (a restart, a network cut).
        server.__exit__(None, None, None)
        sync_api.expect(page.get_by_role("status")).to_contain_text("Reconnecting", timeout=10_000)
        # Written while offline: kept, shown as pending, sent once the connection is back.
        _ask(page, "Can I change my delivery address?")
        sync_api.expect(log.locator(".msg.customer.pending")).to_have_count(1)
        time.sleep(0.5)

        server = RunningServer(
            create_app(channel_settings, runtime=slow_runtime, limits=TEST_LIMITS), port=port
        )
        server.__enter__()
        sync_api.expect(log.locator(".msg.customer.pending")).to_have_count(0, timeout=20_000)
        bot_messages = log.locator(".msg.bot")
        sync_api.expect(bot_messages).to_have_count(2, timeout=30_000)
        sync_api.expect(log.get_by_role("list", name="Sources")).to_have_count(2, timeout=30_000)
        first, second = bot_messages.nth(0).inner_text(), bot_messages.nth(1).inner_text()
        assert "deliver" in first.lower() and "address" in second.lower()
        # No gap and no duplicate: two questions, two answers, in order.
        customer = log.locator(".msg.customer .text")
        assert customer.all_inner_texts() == [
            "How long does delivery take?",
            "Can I change my delivery address?",
        ]
        assert page.evaluate("window.TidelineWidget.conversationId()")
        if screenshots:
            page.screenshot(path=str(screenshots / "widget-resumed.png"))
    finally:
        server.__exit__(None, None, None)


def test_handoff_shows_the_queue_position(page, chat_server: RunningServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(chat_server.url + "/")
    sync_api.expect(page.get_by_role("status")).to_contain_text("Connected", timeout=10_000)
    _ask(page, "I want to speak to a human agent")
    status = page.get_by_role("status")
    sync_api.expect(status).to_contain_text("Waiting for a person", timeout=15_000)
    sync_api.expect(status).to_contain_text("in line")
    sync_api.expect(page.get_by_role("log").locator(".msg.system")).to_contain_text("support team")
