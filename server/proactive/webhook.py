"""Approved outreach goes to the host system: a signed POST, retried with backoff, result recorded.

The body is JSON; ``X-Tideline-Signature: sha256=<hex>`` is HMAC-SHA256 of the exact body bytes with
the configured secret. The body carries ``sent_at`` (also in ``X-Tideline-Timestamp``) so a receiver
can refuse old replays, and ``Idempotency-Key`` is the item's id, the same on every retry.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from server.records.outreach import get_item, record_delivery
from server.records.proactive_models import OutreachItem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tideline-Signature"
TIMESTAMP_HEADER = "X-Tideline-Timestamp"
# Worth another try: the receiver was down, overloaded or asked us to wait.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str) -> bool:
    """How a receiver checks a delivery (docs/proactive.md shows the same in a few lines)."""
    return hmac.compare_digest(sign(secret, body), header)


def payload(item: OutreachItem, sent_at: float) -> dict[str, Any]:
    return {
        "event": "outreach.approved",
        "item_id": item.id,
        "customer_id": item.customer_id,
        "rule": item.rule,
        "tier": item.tier,
        "subject": item.sent_subject,
        "body": item.sent_body,
        "approved_by": item.acted_by,
        "approved_at": item.acted_at,
        "sent_at": sent_at,
    }


@dataclass
class WebhookSender:
    """Delivers approved items in the background of the server; one task per item."""

    engine: Engine
    url: str
    secret: bytes
    clock: Callable[[], float]
    attempts: int = 5
    backoff_s: float = 2.0
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, item_id: str) -> None:
        task = asyncio.create_task(self.deliver(item_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def resume_pending(self) -> None:
        """Items approved before a restart and not yet delivered are sent now."""
        with Session(self.engine) as session:
            ids = session.exec(
                select(OutreachItem.id).where(col(OutreachItem.delivery_status) == "pending")
            ).all()
        for item_id in ids:
            self.submit(item_id)

    async def deliver(self, item_id: str) -> None:
        item = await asyncio.to_thread(self._read, item_id)
        body = json.dumps(payload(item, self.clock()), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self.secret, body),
            TIMESTAMP_HEADER: str(int(json.loads(body)["sent_at"])),
            "Idempotency-Key": item.id,
        }
        error: str | None = None
        attempt = 0
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            for attempt in range(1, self.attempts + 1):  # noqa: B007  (attempt is recorded)
                try:
                    response = await client.post(self.url, content=body, headers=headers)
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"[:500]
                else:
                    if response.is_success:
                        error = None
                        break
                    error = f"HTTP {response.status_code}"
                    if response.status_code not in RETRY_STATUSES:
                        break
                if attempt < self.attempts:
                    await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
        if error is not None:
            log.warning(
                "outreach webhook for %s failed after %d tries: %s", item_id, attempt, error
            )
        await asyncio.to_thread(self._record, item_id, error is None, attempt, error)

    def _read(self, item_id: str) -> OutreachItem:
        with Session(self.engine) as session:
            item = get_item(session=session, item_id=item_id)
            session.expunge(item)
            return item

    def _record(self, item_id: str, ok: bool, attempts: int, error: str | None) -> None:
        with Session(self.engine) as session:
            record_delivery(
                session=session,
                item_id=item_id,
                ok=ok,
                attempts=attempts,
                error=error,
                now=self.clock(),
            )

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
