"""The proactive-support tables: what the host system tells us, the outreach desk and its log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from server.records.models import JsonType, new_id

# "applied": a tag_and_prioritise item the policy applied on its own (no person), live until tag_until.
OUTREACH_STATUSES = ("open", "approved", "sent", "dismissed", "snoozed", "applied")
# Items a scan must not file again: a person has not finished with them.
ACTIVE_STATUSES = ("open", "snoozed", "approved")
DELIVERY_STATUSES = ("none", "pending", "delivered", "failed")


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_type=JsonType)


class CustomerProfile(SQLModel, table=True):
    """The attributes the host system sent for a customer (plan, renewal date, ...), kept whole."""

    __tablename__ = "customer_profiles"

    customer_id: str = Field(primary_key=True, foreign_key="customers.id", max_length=255)
    attributes: dict[str, Any] = _json_dict()
    updated_at: float


class CustomerEvent(SQLModel, table=True):
    """One event the host system saw (a login, an order, a phone call, a cancellation)."""

    __tablename__ = "customer_events"
    __table_args__ = (
        Index("ix_customer_events_customer_at", "customer_id", "at"),
        # The host's own event id: a retried POST stores an event once.
        UniqueConstraint("customer_id", "event_key", name="uq_customer_events_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: str = Field(foreign_key="customers.id", max_length=255)
    type: str = Field(max_length=64)
    at: float
    event_key: str | None = Field(default=None, max_length=128)
    data: dict[str, Any] = _json_dict()
    received_at: float


class OutreachItem(SQLModel, table=True):
    """A flagged customer on the outreach desk: rule, evidence, draft, and what a person did."""

    __tablename__ = "outreach_items"
    __table_args__ = (
        Index("ix_outreach_items_status_created", "status", "created_at"),
        Index("ix_outreach_items_customer_rule", "customer_id", "rule"),
        # One open (or snoozed) item per customer and rule, whichever process files it.
        Index(
            "uq_outreach_items_one_open",
            "customer_id",
            "rule",
            unique=True,
            sqlite_where=text("status IN ('open', 'snoozed')"),
            postgresql_where=text("status IN ('open', 'snoozed')"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    customer_id: str = Field(foreign_key="customers.id", max_length=255)
    rule: str = Field(max_length=64)
    tier: str = Field(max_length=32)
    severity: str = Field(max_length=16)
    risk: float
    rationale: str = Field(sa_type=Text)
    evidence: dict[str, Any] = _json_dict()
    draft_subject: str = Field(sa_type=Text)
    draft_body: str = Field(sa_type=Text)
    contact_by: float | None = None
    status: str = Field(default="open", max_length=16)  # open|approved|sent|dismissed|snoozed
    created_at: float
    updated_at: float
    acted_by: str | None = Field(default=None, foreign_key="agents.id", max_length=36)
    acted_at: float | None = None
    reason: str | None = Field(default=None, sa_type=Text)  # why dismissed
    snoozed_until: float | None = None
    tag_until: float | None = None  # an applied tag's end (the rule's window after the flag)
    sent_subject: str | None = Field(default=None, sa_type=Text)  # the approved text
    sent_body: str | None = Field(default=None, sa_type=Text)
    edited: bool = False
    delivery_status: str = Field(default="none", max_length=16)  # none|pending|delivered|failed
    delivery_attempts: int = 0
    delivered_at: float | None = None
    delivery_error: str | None = Field(default=None, sa_type=Text)
    shown_conversation_id: str | None = Field(
        default=None, foreign_key="conversations.id", max_length=36
    )
    shown_at: float | None = None


class OutreachLogEntry(SQLModel, table=True):
    """One line of the review log: flagged, approved, edited, dismissed, delivered, shown."""

    __tablename__ = "outreach_log"
    __table_args__ = (
        Index("ix_outreach_log_item", "item_id", "id"),
        Index("ix_outreach_log_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: str = Field(foreign_key="outreach_items.id", max_length=36)
    customer_id: str = Field(max_length=255)
    kind: str = Field(max_length=32)
    actor: str = Field(max_length=64)  # "scan", "webhook", "widget" or "agent:<id>"
    at: float
    detail: dict[str, Any] = _json_dict()


class ScanLease(SQLModel, table=True):
    """Who runs a periodic job now: one row per job, taken by a conditional UPDATE."""

    __tablename__ = "scan_leases"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=64)
    expires_at: float
