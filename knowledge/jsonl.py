"""Reading JSON Lines with line numbers: every reader of JSONL input (documents, queries, labelled
sentiment, eval sets, batch commands) reports a bad line as ``FILE:LINE: why``.

It lives in ``knowledge`` because that package imports no other, so every package may import it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JsonlLine:
    """One non-blank line: the object on it, or why there is none."""

    number: int  # 1-based, counting blank lines too, as an editor shows them
    value: dict[str, Any] | None
    problem: str | None = None  # "invalid JSON (...)" or "expected a JSON object"


def numbered_objects(lines: Iterable[str]) -> Iterator[JsonlLine]:
    """Each non-blank line of ``lines`` as a ``JsonlLine``; the caller decides whether a bad line
    stops the read or is reported and skipped."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield JsonlLine(number, None, f"invalid JSON ({exc.msg})")
            continue
        if not isinstance(value, dict):
            yield JsonlLine(number, None, "expected a JSON object")
            continue
        yield JsonlLine(number, value)
