"""Property-based fuzzing of the agent side on a real server: any console frame gets a frame or a
documented error and the socket stays open; any API body gets an answer below 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from desk_support import Account, bearer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from tests.server.channel.channel_support import RunningServer
from tests.server.channel.test_frame_fuzz import TEXT, VALUES, is_unicode

CONSOLE_CODES = {
    "frame_too_large",
    "invalid_json",
    "invalid_text",
    "invalid_frame",
    "unknown_type",
    "missing_field",
    "invalid_field",
    "not_found",
    "not_watching",
    "rate_limited",
}
CONSOLE_FRAMES = st.fixed_dictionaries(
    {"type": st.sampled_from(["watch", "unwatch", "typing", "queue", "ping", "x"]) | VALUES},
    optional={"handoff_id": TEXT | VALUES, "active": VALUES},
)
# Calls whose bodies an agent sends, with a made-up handoff: a readable body gets 404.
BODY_CALLS = [
    "/api/session",
    "/api/handoffs/no-such/messages",
    "/api/handoffs/no-such/return",
    "/api/handoffs/no-such/close",
    "/api/handoffs/no-such/label",
]
SERVED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SERVED
@given(frames=st.lists(CONSOLE_FRAMES | st.text(max_size=60), min_size=1, max_size=3))
def test_any_console_frame_gets_a_frame_or_a_documented_error(
    desk_server: RunningServer, make_account: Callable[..., Account], frames: list[Any]
) -> None:
    _, token = make_account()
    url = desk_server.url.replace("http://", "ws://") + "/ws/agent"
    with connect(url, additional_headers=bearer(token), open_timeout=10) as console:
        for frame in frames:
            console.send(frame if isinstance(frame, str) else json.dumps(frame))
        console.send(json.dumps({"type": "ping"}))
        while True:  # the socket is still open and answering: the ping comes back
            received = json.loads(console.recv(timeout=10))
            if received["type"] == "error":
                assert received["code"] in CONSOLE_CODES, received
                assert received["fatal"] is False
            if received["type"] == "pong":
                break


@SERVED
@given(call=st.sampled_from(BODY_CALLS), body=VALUES)
def test_any_api_body_gets_an_answer_below_500(
    desk_server: RunningServer, make_account: Callable[..., Account], call: str, body: Any
) -> None:
    _, token = make_account("supervisor")
    raw = json.dumps(body)
    with httpx.Client(base_url=desk_server.url, timeout=10) as api:
        answer = api.post(
            call, content=raw, headers={**bearer(token), "Content-Type": "application/json"}
        )
        assert 400 <= answer.status_code < 500, (raw[:80], answer.status_code, answer.text)
        if not is_unicode(body):
            assert answer.status_code == 422  # a lone surrogate is never passed on
        # The connection is still good for the next call.
        assert api.get("/api/me", headers=bearer(token)).status_code == 200
