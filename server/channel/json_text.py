"""The one reader of client JSON (both sockets' frames and the API's bodies): size, syntax, depth
and Unicode checked before anything trusts the value."""

from __future__ import annotations

import json
from typing import Any

# Containers nested in one another; Tideline's own frames and bodies use two or three.
MAX_JSON_DEPTH = 32


class UnreadableJSON(ValueError):
    """Client JSON the server will not take, with a stable error ``code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_json(raw: str | bytes, *, max_bytes: int) -> Any:
    """Parse ``raw``; raise ``UnreadableJSON`` (frame_too_large, invalid_json, invalid_text)."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise UnreadableJSON(
            "frame_too_large",
            f"That was too large to send (limit {max_bytes // 1024} KB). "
            "Please shorten your message.",
        )
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UnreadableJSON("invalid_json", "The server could not read that (not JSON).") from None
    except RecursionError:
        raise UnreadableJSON(
            "invalid_json", "The server could not read that (nested too deeply)."
        ) from None
    _check(data)
    return data


def _check(data: Any) -> None:
    """Refuse deep nesting and text that is not valid Unicode, walked without recursion (the
    depth is the client's to choose)."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if not _is_unicode(item):
                # JSON escapes can spell half a UTF-16 pair ("\ud800"), which no database stores.
                raise UnreadableJSON(
                    "invalid_text", "That holds text that is not valid Unicode (a lone surrogate)."
                )
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            raise UnreadableJSON(
                "invalid_json", "The server could not read that (nested too deeply)."
            )
        if isinstance(item, dict):
            pending.extend((key, depth + 1) for key in item)
            pending.extend((value, depth + 1) for value in item.values())
        else:
            pending.extend((value, depth + 1) for value in item)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
