"""Helpers of the proactive-support tests: customer histories stored in the records, as the chat
and the desk would have left them, and a local webhook receiver that can be told to fail."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlmodel import Session

from agent.outreach.history import parse_time
from server.records.conversations import create_conversation
from server.records.host_data import HostEvent, add_events, set_attributes
from server.records.models import Handoff, Message
from tests.support import free_port


def store_history(
    session: Session, history: dict[str, Any], *, customer_id: str, shift_s: float = 0.0
) -> str:
    """Write an imported-history line into the records: conversations with their messages, the
    agents' resolved label as a labelled handoff, attributes and events; times moved by shift_s."""

    def at(value: str) -> float:
        moment: datetime = parse_time(value, "at")
        return moment.timestamp() + shift_s

    for conversation in history["conversations"]:
        start = at(conversation["started_at"])
        row = create_conversation(session=session, customer_id=customer_id, now=start)
        for seq, turn in enumerate(conversation["turns"], start=1):
            session.add(
                Message(
                    conversation_id=row.id,
                    seq=seq,
                    role=turn["speaker"],
                    text=turn["text"],
                    created_at=start + seq,
                )
            )
        row.last_seq = len(conversation["turns"])
        row.turns = sum(t["speaker"] == "customer" for t in conversation["turns"])
        session.add(row)
        if conversation.get("resolved") is not None:
            session.add(
                Handoff(
                    conversation_id=row.id,
                    status="closed",
                    severity="medium",
                    severity_rank=1,
                    rule="customer_asked",
                    risk=0.5,
                    rationale="asked for a person",
                    summary="",
                    created_at=start + 1,
                    closed_at=start + 60,
                    resolved=conversation["resolved"],
                )
            )
        session.commit()
    if history.get("attributes"):
        set_attributes(
            session=session,
            customer_id=customer_id,
            attributes=history["attributes"],
            now=at(history["conversations"][-1]["started_at"]),
        )
    events = [
        HostEvent(type=e["type"], at=at(e["at"]), event_key=None, data={})
        for e in history.get("events", [])
    ]
    if events:
        add_events(session=session, customer_id=customer_id, events=events, now=events[-1].at)
    return customer_id


class Receiver:
    """An HTTP receiver on 127.0.0.1 for the outreach webhook; answers ``fail_first`` POSTs with
    ``failure`` (503), then 200, and keeps every request it got (headers and exact body bytes).
    A GET is answered with ``page``: the host site's page in the browser tests."""

    def __init__(self, *, fail_first: int = 0, failure: int = 503, page: str = "") -> None:
        self.fail_first = fail_first
        self.failure = failure
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.port = free_port()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (the http.server hook's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    failing = len(receiver.requests) <= receiver.fail_first
                self.send_response(receiver.failure if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802
                # The host site's own page, when a test needs one (the widget embedded in it).
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tideline-outreach"

    def bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for _, body in self.requests]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
