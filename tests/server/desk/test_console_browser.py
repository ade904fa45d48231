"""The agent console and the customer widget side by side in real headless Chromium.

A customer grows frustrated, the handoff appears in the console without a reload, an agent claims
it and replies, the customer sees the reply, the agent hands back, and the bot answers again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from desk_support import Account
from playwright import sync_api

from tests.server.channel.channel_support import RunningServer


def _ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def _sign_in(page, server: RunningServer, token: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/console")
    page.get_by_label("Agent token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    sync_api.expect(page.locator("#conn")).to_have_text("Live", timeout=10_000)


def test_a_frustrated_customer_reaches_an_agent_and_back_to_the_bot(  # type: ignore[no-untyped-def]
    browser,
    desk_server: RunningServer,
    make_account: Callable[..., Account],
    screenshots: Path | None,
) -> None:
    _, token = make_account()
    console = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    customer = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    try:
        # A wrong token gets a plain reason, then the right one signs in.
        console.goto(desk_server.url + "/console")
        console.get_by_label("Agent token").fill("wrong.token")
        console.get_by_role("button", name="Sign in").click()
        sync_api.expect(console.get_by_role("alert")).to_contain_text("not a valid agent token")
        _sign_in(console, desk_server, token)
        waiting = console.get_by_role("list", name="Waiting handoffs")

        customer.goto(desk_server.url + "/")
        sync_api.expect(customer.get_by_role("status")).to_contain_text("Connected", timeout=10_000)
        log = customer.get_by_role("log", name="Conversation")
        _ask(customer, "How do I change my delivery address?")
        sync_api.expect(log.locator(".msg.bot")).to_have_count(1, timeout=15_000)
        _ask(customer, "That did not help at all, I already tried that twice.")
        sync_api.expect(log.locator(".msg.bot")).to_have_count(2, timeout=15_000)
        _ask(
            customer,
            "This is ridiculous. I have wasted two hours on this useless chat and my parcel is "
            "still going to the wrong address!",
        )
        sync_api.expect(customer.get_by_role("status")).to_contain_text(
            "Waiting for a person", timeout=15_000
        )

        # The handoff arrives in the open console by itself.
        # The row shows who, the latest thing they said (not the first) and the rule in words.
        row = waiting.get_by_role("button").filter(has_text="wasted two hours")
        sync_api.expect(row).to_be_visible(timeout=10_000)
        sync_api.expect(row).to_contain_text("Anonymous customer")
        # Two negative, worsening messages ending in a frustrated one: the deciding rule is one of
        # the frustration family, in words (not a rule id).
        sync_api.expect(row).to_contain_text(re.compile("Frustrated|Unhappy for several messages"))
        sync_api.expect(row).not_to_contain_text("_")
        sync_api.expect(row).not_to_contain_text("How do I change my delivery address?")
        row.click()
        # The rationale is written for a person: what they said, which limit, the mood, severity.
        why = console.locator("#rationale")
        sync_api.expect(why).to_contain_text("wasted two hours", timeout=10_000)
        sync_api.expect(why).to_contain_text("the limit 0.")
        sync_api.expect(why).to_contain_text("Mood went from")
        badge = console.locator("#severity-badge").inner_text().lower()
        sync_api.expect(why).to_contain_text(f"Severity now {badge}")
        sync_api.expect(why).not_to_contain_text("signal =")
        # The chart: both series, the policy's frustration line, and the turn where it fired.
        chart = console.get_by_role(
            "img", name="Score and frustration over the customer's messages"
        )
        sync_api.expect(chart.locator("[data-series=frustration]")).to_have_count(1)
        sync_api.expect(chart.locator("[data-threshold=frustration]")).to_have_count(1)
        sync_api.expect(chart.locator("[data-fired-turn='3']")).to_have_count(1)
        transcript = console.get_by_role("log", name="Transcript")
        sync_api.expect(transcript.locator(".msg.customer")).to_have_count(3)

        console.get_by_role("button", name="Claim", exact=True).click()
        sync_api.expect(console.locator("#handoff-status")).to_contain_text("claimed by you")
        sync_api.expect(customer.get_by_role("status")).to_contain_text(
            "joined the conversation", timeout=10_000
        )
        reply = console.get_by_label("Reply to the customer")
        reply.fill("I'm Dana from support. I have changed the delivery address for you.")
        # The customer sees who is typing, by the display name that joined.
        joined = log.locator(".marker").filter(has_text="joined the conversation")
        sync_api.expect(joined).to_have_count(1, timeout=10_000)
        agent_name = joined.inner_text().removesuffix(" joined the conversation")
        sync_api.expect(customer.get_by_text(f"{agent_name} is typing…")).to_be_visible(
            timeout=10_000
        )
        reply.press("Enter")
        sync_api.expect(log.locator(".msg.agent")).to_contain_text(
            "changed the delivery address", timeout=10_000
        )
        # The customer answers the person, and the console shows it live.
        _ask(customer, "Thank you Dana, that's great")
        sync_api.expect(transcript.locator(".msg.customer .body").last).to_have_text(
            "Thank you Dana, that's great", timeout=10_000
        )
        if screenshots:
            console.screenshot(path=str(screenshots / "console.png"), full_page=True)

        # The hand-back note is internal context: the field says so, and the customer never
        # reads it, not even when asking about the same thing.
        note = console.get_by_label("Note for the bot")
        sync_api.expect(note).to_have_attribute("aria-describedby", "note-help")
        sync_api.expect(console.locator("#note-help")).to_contain_text("customer never sees it")
        note.fill("Delivery address changed by hand to Elm Street 4; ticket ZX-4471.")
        console.get_by_role("button", name="Hand back to the bot").click()
        sync_api.expect(customer.get_by_role("status")).to_contain_text(
            "assistant again", timeout=10_000
        )
        sync_api.expect(log.locator(".marker").last).to_contain_text("left the conversation")
        _ask(customer, "Is my delivery address changed now?")
        sync_api.expect(log.locator(".msg.bot")).to_have_count(3, timeout=15_000)
        sync_api.expect(log).not_to_contain_text("ZX-4471")
        sync_api.expect(log).not_to_contain_text("Elm Street")
        console.get_by_role("button", name="Warranted", exact=True).click()
        sync_api.expect(
            console.get_by_role("button", name="Warranted", exact=True)
        ).to_have_attribute("aria-pressed", "true", timeout=10_000)

        # The bot answers the next question itself.
        _ask(customer, "How do I reset my password?")
        sync_api.expect(log.locator(".msg.bot")).to_have_count(4, timeout=15_000)
        sync_api.expect(log.locator(".msg.bot").last).to_contain_text("password")
        if screenshots:
            customer.screenshot(path=str(screenshots / "widget-after-agent.png"))
    finally:
        console.context.close()
        customer.context.close()


def test_the_supervisor_view_shows_the_desk_figures(  # type: ignore[no-untyped-def]
    page, desk_server: RunningServer, make_account: Callable[..., Account], screenshots: Path | None
) -> None:
    _, agent_token = make_account()
    _sign_in(page, desk_server, agent_token)
    # Agents have no supervisor view.
    sync_api.expect(page.get_by_role("button", name="Supervisor view")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    sync_api.expect(page.get_by_label("Agent token")).to_be_visible()

    _, token = make_account("supervisor")
    _sign_in(page, desk_server, token)
    page.get_by_role("button", name="Supervisor view").click()
    figures = page.get_by_label("Key figures")
    sync_api.expect(figures).to_contain_text("escalation rate", timeout=10_000)
    sync_api.expect(figures).to_contain_text("healthy band 5–15 %")
    sync_api.expect(page.get_by_label("Sentiment arc")).to_contain_text("left better")
    if screenshots:
        page.screenshot(path=str(screenshots / "supervisor.png"), full_page=True)
