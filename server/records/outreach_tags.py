"""Tags the outreach policy applies on its own (``tag_and_prioritise``): "at risk: <rule>" on the
customer until the rule's window ends, and one step of priority for their handoffs meanwhile."""

from __future__ import annotations

from sqlmodel import Session, col, select

from server.records.proactive_models import OutreachItem

APPLIED = "applied"  # the item's status: no person needed to act on it
TAG_ACTOR = "policy"


def tag_text(rule: str) -> str:
    return f"at risk: {rule}"


def live_tag_item(*, session: Session, customer_id: str, now: float) -> OutreachItem | None:
    """The customer's newest applied tag that has not expired, if any."""
    return session.exec(
        select(OutreachItem)
        .where(
            OutreachItem.customer_id == customer_id,
            OutreachItem.status == APPLIED,
            col(OutreachItem.tag_until) > now,
        )
        .order_by(col(OutreachItem.created_at).desc())
        .limit(1)
    ).first()


def customer_tag(*, session: Session, customer_id: str | None, now: float) -> str | None:
    """The visible tag of a customer ("at risk: <rule>"), None when none is live."""
    if not customer_id:
        return None
    item = live_tag_item(session=session, customer_id=customer_id, now=now)
    return tag_text(item.rule) if item is not None else None
