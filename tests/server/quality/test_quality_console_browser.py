"""The supervisor's quality view in headless Chromium, on a phone, and hidden from agents."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright import sync_api

from tests.browser_checks import axe_violations
from tests.server.channel.channel_support import RunningServer
from tests.server.desk.desk_support import bearer, handoff_of, queued_customer


def _closed_by_a_person_and_rated(server: RunningServer, agent: str, supervisor: str) -> None:
    """A customer asks for a person, the agent claims and closes it, the customer rates it 2."""

    async def seed() -> None:
        client, conversation_id = await queued_customer(server, "console")
        async with httpx.AsyncClient(base_url=server.url) as api:
            path = f"/api/handoffs/{(await handoff_of(api, supervisor, conversation_id))['id']}"
            assert (await api.post(f"{path}/claim", headers=bearer(agent))).status_code == 200
            assert (await api.post(f"{path}/close", headers=bearer(agent))).status_code == 200
        await client.until(lambda f: f["type"] == "rating_request")
        await client.send({"type": "rating", "score": 2})
        await client.until(lambda f: f["type"] == "rated")
        await client.close()

    # Playwright's sync API owns this thread's event loop: the customer runs in a thread of its own.
    failure: list[BaseException] = []
    thread = threading.Thread(
        target=lambda: failure.extend(_run(seed)), name="customer", daemon=True
    )
    thread.start()
    thread.join(timeout=60)
    assert not failure, failure


def _run(seed: Callable[[], object]) -> list[BaseException]:
    try:
        asyncio.run(seed())  # type: ignore[arg-type]
    except BaseException as exc:  # handed to the test's thread
        return [exc]
    return []


def _sign_in(page, server: RunningServer, token: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/console")
    page.get_by_label("Agent token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    sync_api.expect(page.locator("#conn")).to_have_text("Live", timeout=10_000)


def test_a_supervisor_sees_coverage_arcs_and_the_per_person_view_on_a_phone(  # type: ignore[no-untyped-def]
    browser,
    quality_server: RunningServer,
    make_account: Callable[..., tuple[str, str]],
    screenshots: Path | None,
) -> None:
    _, agent = make_account()
    _, supervisor = make_account("supervisor")
    _closed_by_a_person_and_rated(quality_server, agent, supervisor)
    with httpx.Client(base_url=quality_server.url) as api:
        agent_name = api.get("/api/me", headers=bearer(agent)).json()["name"]

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        _sign_in(phone, quality_server, supervisor)
        phone.get_by_role("button", name="Queue", exact=True).click()
        phone.get_by_role("button", name="Quality").click()
        figures = phone.get_by_role("group", name="Quality figures")
        sync_api.expect(figures).to_contain_text("conversations measured", timeout=10_000)
        sync_api.expect(figures).to_contain_text("rated by the customer")
        arcs = phone.get_by_role("table", name="Arc of conversations")
        sync_api.expect(arcs).to_contain_text("left better")
        sync_api.expect(
            phone.get_by_role("table", name="Predicted satisfaction by day")
        ).to_be_visible()
        problems = phone.get_by_role("table", name="Problem types by predicted satisfaction")
        sync_api.expect(problems).to_contain_text("Asked for a person")
        people = phone.get_by_role("table", name="By person and problem type")
        sync_api.expect(people.get_by_role("row").filter(has_text=agent_name)).to_contain_text(
            "Asked for a person"
        )
        sync_api.expect(phone.get_by_role("note")).to_contain_text(
            "never as a performance metric for individuals"
        )
        # Nothing runs off the side of a phone's screen.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(phone) == []
        if screenshots:
            phone.screenshot(path=str(screenshots / "console-quality-phone.png"), full_page=True)

        # /console/quality opens on this view (a link a supervisor can keep).
        phone.goto(quality_server.url + "/console/quality")
        sync_api.expect(phone.get_by_role("group", name="Quality figures")).to_be_visible()
    finally:
        phone.context.close()
    desk = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        _sign_in(desk, quality_server, agent)  # an agent's console has no quality view
        desk.goto(quality_server.url + "/console/quality")
        sync_api.expect(desk.get_by_role("button", name="Queue", exact=True)).to_be_visible()
        sync_api.expect(desk.get_by_role("button", name="Quality")).to_have_count(0)
    finally:
        desk.context.close()
