"""The outreach desk and host APIs against a real server, and the signed webhook against a real
receiver on 127.0.0.1 that fails, then recovers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from agent.outreach.policy import read_outreach_policy
from agent.outreach.scan import ScanSetup
from server.app import create_app
from server.channel.identity import sign_customer
from server.proactive.scan import scan_records
from server.records.agents import create_agent
from server.records.host_data import set_attributes
from server.records.outreach import file_item
from server.runtime import Runtime, open_runtime
from server.settings import ServerSettings
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.server.channel.channel_support import TEST_LIMITS, RunningServer, bot_reply, open_client
from tests.server.proactive.proactive_support import Receiver, store_history

HOST_KEY = "host-key-for-tests-0123456789"
SECRET = b"webhook-secret-for-tests"
CUSTOMER_SECRET = "customer-secret-for-tests"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver(fail_first=2) as running:
        yield running


@pytest.fixture(scope="module")
def runtime(
    tmp_path_factory: pytest.TempPathFactory, sample_data_dir: Path, receiver: Receiver
) -> Iterator[Runtime]:
    settings = ServerSettings(
        data_dir=sample_data_dir,
        database_url=f"sqlite:///{tmp_path_factory.mktemp('outreach') / 'records.db'}",
        host_api_key=HOST_KEY,
        outreach_webhook_url=receiver.url,
        outreach_webhook_secret=SECRET.decode(),
        outreach_webhook_attempts=4,
        outreach_webhook_backoff_s=0.05,
        customer_secret=CUSTOMER_SECRET,
    )  # type: ignore[call-arg]
    with open_runtime(settings, load_sample=False) as opened:
        # Two stored customers whose last contacts were days ago (the histories' clock moved to now).
        shift = time.time() - NOW.timestamp()
        with Session(opened.engine) as session:
            store_history(session, polite_and_cooling(), customer_id="cooling", shift_s=shift)
            store_history(session, blunt_but_loyal(), customer_id="blunt", shift_s=shift)
        yield opened


@pytest.fixture(scope="module")
def server(runtime: Runtime) -> Iterator[RunningServer]:
    app = create_app(runtime.settings, runtime=runtime, limits=TEST_LIMITS)
    with RunningServer(app) as running:
        yield running


@pytest.fixture(scope="module")
def tokens(runtime: Runtime) -> dict[str, str]:
    with Session(runtime.engine) as session:
        return {
            role: create_agent(session=session, name=f"{role}-outreach", role=role)[1]
            for role in ("agent", "supervisor")
        }


@pytest.fixture(scope="module")
def filed(runtime: Runtime, server: RunningServer) -> None:
    """The periodic scan's work, done once: the cooling customer is on the desk."""
    setup = ScanSetup(runtime.analyzer, read_outreach_policy(), datetime.now(UTC))
    assert scan_records(runtime.engine, setup).filed == 1


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_host_api_takes_only_its_own_key(server: RunningServer, tokens: dict[str, str]) -> None:
    url = f"{server.url}/api/host/customers/cooling"
    for headers in ({}, auth("wrong"), auth(tokens["supervisor"])):
        assert httpx.put(url, json={"plan": "pro"}, headers=headers).status_code == 401


def test_the_host_sends_attributes_and_events_and_agents_read_the_timeline(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    base = f"{server.url}/api/host/customers/acme-7"
    attributes = {"plan": "business", "renewal_date": "2027-01-15", "favourite_colour": "teal"}
    put = httpx.put(base, json=attributes, headers=auth(HOST_KEY))
    assert put.status_code == 200, put.text
    assert put.json()["attributes"]["favourite_colour"] == "teal"  # unknown keys are kept
    bad = httpx.put(base, json={"renewal_date": "next spring"}, headers=auth(HOST_KEY))
    assert bad.status_code == 422 and "renewal_date" in bad.text

    events = {
        "events": [
            {"type": "login", "at": "2026-11-30T09:00:00Z", "id": "ev-1"},
            {"type": "phone", "at": "2026-12-01T10:00:00Z", "id": "ev-2", "note": "called in"},
        ]
    }
    sent = httpx.post(f"{base}/events", json=events, headers=auth(HOST_KEY))
    assert sent.status_code == 201 and sent.json()["stored"] == 2
    again = httpx.post(f"{base}/events", json=events, headers=auth(HOST_KEY))
    assert again.json() == {"customer_id": "acme-7", "stored": 0, "already_known": 2}
    junk = {"events": [{"type": "login", "at": "2026-12-01T10:00:00Z"}, {"type": "teleport"}]}
    refused = httpx.post(f"{base}/events", json=junk, headers=auth(HOST_KEY))
    assert refused.status_code == 422  # one bad event: none of the batch is stored

    url = f"{server.url}/api/customers/acme-7/timeline"
    assert httpx.get(url).status_code == 401
    timeline = httpx.get(url, headers=auth(tokens["agent"])).json()
    assert [e["type"] for e in timeline["events"]] == ["login", "phone"]
    assert timeline["events"][1]["note"] == "called in"
    assert timeline["attributes"]["plan"] == "business"
    missing = httpx.get(
        f"{server.url}/api/customers/nobody/timeline", headers=auth(tokens["agent"])
    )
    assert missing.status_code == 404


def test_an_item_shows_rule_evidence_draft_and_the_customers_timeline(
    server: RunningServer, tokens: dict[str, str], filed: None
) -> None:
    assert httpx.get(f"{server.url}/api/outreach").status_code == 401
    queue = httpx.get(f"{server.url}/api/outreach", headers=auth(tokens["agent"])).json()
    (item,) = [i for i in queue if i["customer_id"] == "cooling"]
    assert item["rule"] == "cooling_with_open_issue" and item["tier"] == "draft_checkin"
    assert item["evidence"]["signals"] and "shipping labels" in item["draft_body"].lower()
    one = httpx.get(f"{server.url}/api/outreach/{item['id']}", headers=auth(tokens["agent"]))
    conversations = one.json()["timeline"]["conversations"]
    assert len(conversations) == 4 and conversations[-1]["resolved"] is False
    assert "labels" in conversations[-1]["topic"]


def test_an_agent_may_not_decide_a_retention_step(
    server: RunningServer, runtime: Runtime, tokens: dict[str, str]
) -> None:
    outcome = {"rule": "renewal_at_risk", "tier": "recommend_retention", "severity": "high",
               "risk": 0.9, "rationale": "rule renewal_at_risk", "evidence": {},
               "draft": {"subject": "Your renewal", "body": "Hi"}}  # fmt: skip
    with Session(runtime.engine) as session:
        item = file_item(
            session=session, customer_id="blunt", outcome=outcome, latest_contact=None, now=1.0
        )
    assert item is not None
    url = f"{server.url}/api/outreach/{item.id}/dismiss"
    refused = httpx.post(url, json={"reason": "no"}, headers=auth(tokens["agent"]))
    assert refused.status_code == 403 and "supervisor" in refused.json()["detail"]
    empty = httpx.post(url, json={"reason": ""}, headers=auth(tokens["supervisor"]))
    assert empty.status_code == 422
    done = httpx.post(url, json={"reason": "renewed by phone"}, headers=auth(tokens["supervisor"]))
    assert done.json()["status"] == "dismissed" and done.json()["reason"] == "renewed by phone"
    twice = httpx.post(url, json={"reason": "again"}, headers=auth(tokens["supervisor"]))
    assert twice.status_code == 409


async def _until_delivered(server: RunningServer, token: str, item_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url, headers=auth(token)) as api:
        for _ in range(100):
            view: dict[str, Any] = (await api.get(f"/api/outreach/{item_id}")).json()
            if view["delivery_status"] in ("delivered", "failed"):
                return view
            await asyncio.sleep(0.05)
    raise AssertionError(f"not delivered: {view}")


def test_an_approved_edit_goes_out_signed_through_a_receiver_that_recovers(
    server: RunningServer, tokens: dict[str, str], receiver: Receiver, filed: None
) -> None:
    queue = httpx.get(f"{server.url}/api/outreach", headers=auth(tokens["agent"])).json()
    (item,) = [i for i in queue if i["customer_id"] == "cooling"]
    edited = "Hi Sam, the blank shipping labels are mine to fix. Could I call you Thursday?"
    approved = httpx.post(
        f"{server.url}/api/outreach/{item['id']}/approve",
        json={"body": edited},
        headers=auth(tokens["agent"]),
    )
    assert approved.status_code == 200 and approved.json()["edited"] is True
    view = asyncio.run(_until_delivered(server, tokens["agent"], item["id"]))
    assert view["delivery_status"] == "delivered" and view["status"] == "sent"
    assert view["delivery_attempts"] == 3  # two 503s, then the receiver recovered

    assert len(receiver.requests) == 3
    keys = {headers["idempotency-key"] for headers, _ in receiver.requests}
    assert keys == {item["id"]}  # the same key on every retry
    headers, body = receiver.requests[-1]
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-tideline-signature"], expected)
    assert abs(int(headers["x-tideline-timestamp"]) - time.time()) < 60
    sent = receiver.bodies()[-1]
    assert (sent["customer_id"], sent["body"]) == ("cooling", edited)

    report = httpx.get(f"{server.url}/api/outreach/report", headers=auth(tokens["supervisor"]))
    assert report.status_code == 200 and report.json()["got_outreach"]["customers"] == 1
    refused = httpx.get(f"{server.url}/api/outreach/report", headers=auth(tokens["agent"]))
    assert refused.status_code == 403


def test_snoozing_takes_an_item_off_the_queue_until_then(
    server: RunningServer, runtime: Runtime, tokens: dict[str, str]
) -> None:
    outcome = {"rule": "quiet_after_bad_contact", "tier": "draft_checkin", "severity": "low",
               "risk": 0.3, "rationale": "r", "evidence": {},
               "draft": {"subject": "s", "body": "b"}}  # fmt: skip
    with Session(runtime.engine) as session:
        item = file_item(
            session=session, customer_id="blunt", outcome=outcome, latest_contact=None, now=2.0
        )
    assert item is not None
    url = f"{server.url}/api/outreach/{item.id}/snooze"
    assert httpx.post(url, json={}, headers=auth(tokens["agent"])).status_code == 422
    snoozed = httpx.post(url, json={"hours": 24}, headers=auth(tokens["agent"]))
    assert snoozed.json()["status"] == "snoozed"
    queue = httpx.get(f"{server.url}/api/outreach", headers=auth(tokens["agent"])).json()
    assert item.id not in {i["id"] for i in queue}


async def _hello(server: RunningServer, customer_id: str, signature: str) -> list[dict[str, Any]]:
    """Open the widget's socket as the customer and collect what arrives within a moment."""
    client = await open_client(server)
    await client.send({"type": "hello", "customer": {"id": customer_id, "signature": signature}})
    try:
        while True:
            await client.recv(timeout=1.0)
    except TimeoutError:
        pass
    await client.connection.close()
    return client.received


def test_an_approved_message_opens_the_customers_next_conversation_once(
    server: RunningServer, runtime: Runtime, tokens: dict[str, str]
) -> None:
    outcome = {"rule": "quiet_after_bad_contact", "tier": "draft_checkin", "severity": "low",
               "risk": 0.4, "rationale": "r", "evidence": {},
               "draft": {"subject": "Checking in", "body": "Hi Lee, is the import working now?"}}  # fmt: skip
    with Session(runtime.engine) as session:
        set_attributes(session=session, customer_id="lee", attributes={}, now=3.0)
        item = file_item(
            session=session, customer_id="lee", outcome=outcome, latest_contact=None, now=3.0
        )
    assert item is not None
    signature = sign_customer(CUSTOMER_SECRET, "lee")
    # Nothing approved yet: opening the widget shows nothing.
    assert asyncio.run(_hello(server, "lee", signature)) == []
    url = f"{server.url}/api/outreach/{item.id}/approve"
    assert httpx.post(url, json={}, headers=auth(tokens["agent"])).status_code == 200
    assert asyncio.run(_hello(server, "lee", "0" * 64)) == []  # a forged signature sees nothing

    async def visit() -> tuple[str, list[dict[str, Any]]]:
        client = await open_client(server)
        await client.send({"type": "hello", "customer": {"id": "lee", "signature": signature}})
        session = await client.until(lambda f: f["type"] == "session")
        message = await client.until(lambda f: f["type"] == "message")
        assert message["proactive"] is True and message["role"] == "agent"
        assert message["text"] == "Hi Lee, is the import working now?"
        assert message["agent_name"] == "agent-outreach"
        await client.say("c-1", "It is, thanks for checking!")
        await client.until(bot_reply)
        await client.connection.close()
        return session["conversation_id"], client.received

    conversation_id, _ = asyncio.run(visit())
    assert asyncio.run(_hello(server, "lee", signature)) == []  # shown once, not on every visit
    view = httpx.get(f"{server.url}/api/outreach/{item.id}", headers=auth(tokens["agent"])).json()
    assert view["shown_conversation_id"] == conversation_id and view["status"] == "sent"
    timeline = view["timeline"]["conversations"]
    assert [c["conversation_id"] for c in timeline] == [conversation_id]
