"""The outreach desk's records: filing flagged customers once, and a person's approve, dismiss, snooze.

Every move is one conditional ``UPDATE`` on the item's status, so of two agents acting on one item
exactly one wins, and every move writes a line of the review log in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from server.records.errors import RecordsError
from server.records.outreach_tags import APPLIED, TAG_ACTOR, tag_text
from server.records.proactive_models import ACTIVE_STATUSES, OutreachItem, OutreachLogEntry


class OutreachNotFound(RecordsError, LookupError):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"no outreach item with id {item_id!r}")


class OutreachNotOpen(RecordsError):
    """Acting on an item someone already approved or dismissed."""

    def __init__(self, item_id: str, status: str) -> None:
        super().__init__(f"outreach item {item_id!r} is {status}, not open")
        self.status = status


def log(
    session: Session,
    item: OutreachItem,
    kind: str,
    actor: str,
    at: float,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one review-log line (the caller commits)."""
    session.add(
        OutreachLogEntry(
            item_id=item.id,
            customer_id=item.customer_id,
            kind=kind,
            actor=actor,
            at=at,
            detail=detail or {},
        )
    )


def file_item(
    *,
    session: Session,
    customer_id: str,
    outcome: dict[str, Any],
    latest_contact: float | None,
    now: float,
    contact_by: float | None = None,
    tag_until: float | None = None,
) -> OutreachItem | None:
    """File a flagged customer on the desk; None when the same rule already has an item a person
    has not finished with (or a live tag), or one closed since the customer's latest contact.
    With ``tag_until`` the item is applied at once by the policy (``tag_and_prioritise``)."""
    rule = str(outcome["rule"])
    earlier = session.exec(
        select(OutreachItem).where(
            OutreachItem.customer_id == customer_id, OutreachItem.rule == rule
        )
    ).all()
    if any(i.status in ACTIVE_STATUSES or (i.tag_until or 0) > now for i in earlier):
        return None
    if latest_contact is not None and any(i.created_at >= latest_contact for i in earlier):
        return None
    draft = outcome.get("draft") or {"subject": "", "body": ""}
    item = OutreachItem(
        customer_id=customer_id,
        rule=rule,
        tier=str(outcome["tier"]),
        severity=str(outcome["severity"]),
        risk=float(outcome["risk"]),
        rationale=str(outcome["rationale"]),
        evidence=outcome.get("evidence") or {},
        draft_subject=str(draft["subject"]),
        draft_body=str(draft["body"]),
        contact_by=contact_by,
        created_at=now,
        updated_at=now,
    )
    if tag_until is not None:
        item.status, item.tag_until, item.acted_at = APPLIED, tag_until, now
    session.add(item)
    log(session, item, "flagged", "scan", now, {"rule": rule, "tier": item.tier, "risk": item.risk})
    if tag_until is not None:
        detail = {"tag": tag_text(rule), "until": tag_until, "automatic": True}
        log(session, item, "applied", TAG_ACTOR, now, detail)
    try:
        session.commit()
    except IntegrityError:  # another process filed it between our read and write
        session.rollback()
        return None
    session.refresh(item)
    return item


def wake_snoozed(*, session: Session, now: float) -> int:
    """Snoozed items whose time has come are open again; returns how many."""
    due = session.exec(
        select(OutreachItem).where(
            OutreachItem.status == "snoozed", col(OutreachItem.snoozed_until) <= now
        )
    ).all()
    for item in due:
        if _move(session, item.id, ("snoozed",), {"status": "open", "updated_at": now}):
            log(session, item, "woke", "system", now)
    session.commit()
    return len(due)


def list_items(
    *,
    session: Session,
    status: str | None = None,
    tier: str | None = None,
    customer_id: str | None = None,
    limit: int = 100,
) -> list[OutreachItem]:
    query = select(OutreachItem)
    if status is not None:
        query = query.where(OutreachItem.status == status)
    if tier is not None:
        query = query.where(OutreachItem.tier == tier)
    if customer_id is not None:
        query = query.where(OutreachItem.customer_id == customer_id)
    query = query.order_by(col(OutreachItem.risk).desc(), col(OutreachItem.created_at)).limit(limit)
    return list(session.exec(query).all())


def get_item(*, session: Session, item_id: str) -> OutreachItem:
    item = session.get(OutreachItem, item_id, populate_existing=True)
    if item is None:
        raise OutreachNotFound(item_id)
    return item


def _move(session: Session, item_id: str, allowed: tuple[str, ...], values: dict[str, Any]) -> bool:
    result = session.execute(
        update(OutreachItem)
        .where(col(OutreachItem.id) == item_id, col(OutreachItem.status).in_(allowed))
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _act(
    session: Session,
    item_id: str,
    values: dict[str, Any],
    kind: str,
    agent_id: str,
    now: float,
    detail: dict[str, Any],
) -> OutreachItem:
    item = get_item(session=session, item_id=item_id)
    moved = _move(
        session,
        item_id,
        ("open", "snoozed"),
        {**values, "acted_by": agent_id, "acted_at": now, "updated_at": now},
    )
    if not moved:
        session.rollback()
        raise OutreachNotOpen(item_id, get_item(session=session, item_id=item_id).status)
    log(session, item, kind, f"agent:{agent_id}", now, detail)
    session.commit()
    return get_item(session=session, item_id=item_id)


def approve_item(
    *,
    session: Session,
    item_id: str,
    agent_id: str,
    subject: str | None,
    body: str | None,
    deliver: bool,
    now: float,
) -> OutreachItem:
    """Approve the draft (or the agent's edit of it); ``deliver``: a webhook will send it."""
    item = get_item(session=session, item_id=item_id)
    sent_subject = subject if subject is not None else item.draft_subject
    sent_body = body if body is not None else item.draft_body
    edited = (sent_subject, sent_body) != (item.draft_subject, item.draft_body)
    return _act(
        session,
        item_id,
        {
            "status": "approved",
            "sent_subject": sent_subject,
            "sent_body": sent_body,
            "edited": edited,
            "delivery_status": "pending" if deliver else "none",
        },
        "approved",
        agent_id,
        now,
        {"edited": edited, **({"body": sent_body, "subject": sent_subject} if edited else {})},
    )


def dismiss_item(
    *, session: Session, item_id: str, agent_id: str, reason: str, now: float
) -> OutreachItem:
    return _act(
        session,
        item_id,
        {"status": "dismissed", "reason": reason},
        "dismissed",
        agent_id,
        now,
        {"reason": reason},
    )


def snooze_item(
    *, session: Session, item_id: str, agent_id: str, until: float, now: float
) -> OutreachItem:
    return _act(
        session,
        item_id,
        {"status": "snoozed", "snoozed_until": until},
        "snoozed",
        agent_id,
        now,
        {"until": until},
    )


def record_delivery(
    *, session: Session, item_id: str, ok: bool, attempts: int, error: str | None, now: float
) -> OutreachItem:
    """The webhook's result: delivered makes the item sent; a failure is kept with its error."""
    item = get_item(session=session, item_id=item_id)
    item.delivery_attempts = attempts
    item.delivery_status = "delivered" if ok else "failed"
    item.delivery_error = error
    item.updated_at = now
    if ok:
        item.delivered_at = now
        if item.status == "approved":
            item.status = "sent"
    session.add(item)
    log(
        session,
        item,
        "delivered" if ok else "delivery_failed",
        "webhook",
        now,
        {"attempts": attempts, **({"error": error} if error else {})},
    )
    session.commit()
    return get_item(session=session, item_id=item_id)


def waiting_for_widget(*, session: Session, customer_id: str) -> list[OutreachItem]:
    """Approved messages the customer has not yet seen in the widget, oldest first."""
    return list(
        session.exec(
            select(OutreachItem)
            .where(
                OutreachItem.customer_id == customer_id,
                col(OutreachItem.status).in_(("approved", "sent")),
                col(OutreachItem.shown_conversation_id).is_(None),
            )
            .order_by(col(OutreachItem.acted_at))
        ).all()
    )


def mark_shown(*, session: Session, item_id: str, conversation_id: str, now: float) -> bool:
    """The widget showed the message in ``conversation_id``; False if another socket did first."""
    result = session.execute(
        update(OutreachItem)
        .where(col(OutreachItem.id) == item_id, col(OutreachItem.shown_conversation_id).is_(None))
        .values(shown_conversation_id=conversation_id, shown_at=now, updated_at=now)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        session.rollback()
        return False
    item = get_item(session=session, item_id=item_id)
    if item.status == "approved":
        item.status = "sent"
        session.add(item)
    log(session, item, "shown", "widget", now, {"conversation_id": conversation_id})
    session.commit()
    return True


def item_view(item: OutreachItem) -> dict[str, Any]:
    """The item as the API and the console show it."""
    return item.model_dump()
