"""When a record is written: the caller's injected time, else the wall clock."""

from __future__ import annotations

import time


def now_or_clock(now: float | None) -> float:
    return time.time() if now is None else now
