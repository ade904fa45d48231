"""Property-based fuzzing of the wire edge: whatever a client sends, the customer socket's frame
parser and the one JSON reader answer with a frame or a documented error code, nothing else."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from server.channel.frames import ClientMessage, ClientResume, FrameError, parse_client_frame
from server.channel.json_text import MAX_JSON_DEPTH, UnreadableJSON, read_json

PARSER_CODES = {
    "frame_too_large",
    "invalid_json",
    "invalid_text",
    "invalid_frame",
    "missing_field",
    "unknown_type",
    "invalid_field",
}
# Lone surrogates included: json.dumps writes them as "\udXXX" escapes, as a hostile client would.
TEXT = st.text(st.characters(codec=None), max_size=40) | st.text(
    st.characters(categories=["Cs"]), min_size=1, max_size=2
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["id", "text", "token", "last_seq", "conversation_id", "active", "seq", "rating", "customer"]
)
FRAMES = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "typing", "resume", "feedback", "shout"]) | VALUES},
    optional={"x": VALUES},
).flatmap(
    lambda base: st.dictionaries(FIELDS, VALUES, max_size=5).map(lambda extra: {**base, **extra})
)
FAST = settings(max_examples=100, deadline=None)


def is_unicode(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@FAST
@given(FRAMES)
def test_any_frame_is_a_client_frame_or_a_documented_error(frame: dict[str, Any]) -> None:
    raw = json.dumps(frame)
    try:
        parsed = parse_client_frame(raw)
    except FrameError as exc:
        assert exc.code in PARSER_CODES, exc.code
        assert len(str(exc)) > 10
        return
    # What the parser lets through is safe to store: text that UTF-8 can hold.
    if isinstance(parsed, ClientMessage):
        assert parsed.client_message_id.encode("utf-8") and parsed.text.encode("utf-8") is not None
    if isinstance(parsed, ClientResume):
        assert parsed.token.encode("utf-8") is not None and parsed.last_seq >= 0


@FAST
@given(st.text(max_size=200))
def test_any_text_at_all_is_parsed_or_refused_with_a_code(raw: str) -> None:
    try:
        parse_client_frame(raw)
    except FrameError as exc:
        assert exc.code in PARSER_CODES


@FAST
@given(st.integers(min_value=1, max_value=6000), st.sampled_from(["[]", "{}"]))
@example(MAX_JSON_DEPTH, "[]")
@example(MAX_JSON_DEPTH + 1, "{}")
@example(5000, "[]")
def test_nesting_is_read_up_to_the_limit_and_refused_beyond(depth: int, brackets: str) -> None:
    opening, closing = brackets
    inner = '{"a": ' if opening == "{" else "["
    raw = (
        inner * depth + "1" + closing * depth
        if opening == "["
        else inner * depth + "1" + "}" * depth
    )
    try:
        read_json(raw, max_bytes=1 << 20)
    except UnreadableJSON as exc:
        assert exc.code == "invalid_json" and depth > MAX_JSON_DEPTH
    else:
        assert depth <= MAX_JSON_DEPTH


@FAST
@given(VALUES)
def test_the_reader_takes_a_value_only_when_all_its_text_is_unicode(value: Any) -> None:
    raw = json.dumps({"v": value})
    try:
        parsed = read_json(raw, max_bytes=1 << 20)
    except UnreadableJSON as exc:
        assert exc.code == "invalid_text"
        assert not is_unicode(value)
    else:
        # (A high and a low surrogate escaped side by side are one valid character.)
        assert is_unicode(parsed)
