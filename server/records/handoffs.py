"""Handoff records: opening a ticket, raising a waiting one, reading one, and outcome labels."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent.handoff import HandoffPackage
from agent.ownership import Owner
from agent.policy.decision import SEVERITY_ORDER, Severity, severity_rank
from server.records.agents import get_agent
from server.records.clock import now_or_clock
from server.records.conversations import get_conversation
from server.records.errors import HandoffAlreadyWaiting, HandoffNotFound
from server.records.models import Conversation, Handoff
from server.records.outreach_tags import customer_tag
from server.records.ownership import change_owner


def _check_severity(severity: str) -> Severity:
    if severity not in SEVERITY_ORDER:
        raise ValueError(f"severity must be one of {', '.join(SEVERITY_ORDER)}, not {severity!r}")
    return severity


def get_handoff(*, session: Session, handoff_id: str) -> Handoff:
    handoff = session.get(Handoff, handoff_id, populate_existing=True)
    if handoff is None:
        raise HandoffNotFound(f"with id {handoff_id!r}")
    return handoff


def waiting_handoff_for(*, session: Session, conversation_id: str) -> Handoff | None:
    return session.exec(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.status == "waiting"
        )
    ).first()


def open_handoff(
    *,
    session: Session,
    package: HandoffPackage,
    actor: str = "bot",
    now: float | None = None,
    commit: bool = True,
) -> Handoff:
    """Write the handoff and move the conversation bot → queued, in one transaction; commits
    unless ``commit=False`` (then the caller commits it with the rest of the turn).

    Raises ``HandoffAlreadyWaiting`` when the conversation is already queued with a ticket, and
    ``OwnershipError`` when the conversation is not the bot's to hand over.
    """
    severity = _check_severity(package.severity)
    at = now_or_clock(now)
    created_at = package.created_at or at
    conversation = get_conversation(session=session, conversation_id=package.conversation_id)
    if conversation.owner == Owner.QUEUED.value and waiting_handoff_for(
        session=session, conversation_id=package.conversation_id
    ):
        raise HandoffAlreadyWaiting(package.conversation_id)
    rank, priority_log = severity_rank(severity), []
    # A customer the outreach policy tagged "at risk" comes in one step higher while it lasts.
    tag = customer_tag(session=session, customer_id=conversation.customer_id, now=at)
    if tag is not None and rank < len(SEVERITY_ORDER) - 1:
        rank += 1
        priority_log.append(
            {
                "at": at,
                "severity": SEVERITY_ORDER[rank],
                "applied": SEVERITY_ORDER[rank],
                "reason": f"customer tagged {tag} (outreach policy)",
            }
        )
    change_owner(
        session=session,
        conversation_id=package.conversation_id,
        to=Owner.QUEUED,
        actor=actor,
        reason=f"handoff ({package.rule}, {severity}): {package.rationale}",
        now=at,
        commit=False,
    )
    handoff = Handoff(
        conversation_id=package.conversation_id,
        severity=SEVERITY_ORDER[rank],
        severity_rank=rank,
        priority_log=priority_log,
        rule=package.rule,
        risk=package.risk,
        rationale=package.rationale,
        summary=package.summary,
        transcript=list(package.transcript),
        sentiment_series=list(package.sentiment_series),
        decisions=list(package.decisions),
        cited_doc_ids=list(package.cited_doc_ids),
        created_at=created_at,
    )
    session.add(handoff)
    session.exec(
        update(Conversation)
        .where(col(Conversation.id) == package.conversation_id)
        .values(escalated=True)
        .execution_options(synchronize_session=False)
    )
    try:
        if commit:
            session.commit()
        else:
            session.flush()
    except IntegrityError as exc:  # the one-waiting-ticket index: a concurrent trigger won
        session.rollback()
        raise HandoffAlreadyWaiting(package.conversation_id) from exc
    session.refresh(handoff)
    return handoff


def raise_handoff_priority(
    *,
    session: Session,
    conversation_id: str,
    severity: Severity,
    reason: str,
    now: float | None = None,
    commit: bool = True,
) -> Handoff:
    """Count a new trigger on the waiting handoff, raise (never lower) its severity; commits
    unless ``commit=False``."""
    severity = _check_severity(severity)
    rank = severity_rank(severity)
    at = now_or_clock(now)
    waiting = (col(Handoff.conversation_id) == conversation_id, col(Handoff.status) == "waiting")
    # The counter UPDATE comes first: it locks the row, so the severity compared below is current.
    counted = session.exec(
        update(Handoff)
        .where(*waiting)
        .values(priority_raises=Handoff.priority_raises + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        session.rollback()
        raise HandoffNotFound(f"waiting for conversation {conversation_id!r}")
    handoff = session.exec(select(Handoff).where(*waiting)).one()
    session.refresh(handoff)
    if rank > handoff.severity_rank:
        handoff.severity = severity
        handoff.severity_rank = rank
    handoff.priority_log = [
        *handoff.priority_log,
        {"at": at, "severity": severity, "applied": handoff.severity, "reason": reason},
    ]
    session.add(handoff)
    if commit:
        session.commit()
        session.refresh(handoff)
    else:
        session.flush()
    return handoff


def label_handoff(
    *,
    session: Session,
    handoff_id: str,
    agent_id: str,
    warranted: bool | None = None,
    resolved: bool | None = None,
    now: float | None = None,
) -> Handoff:
    """Set the agent's outcome labels (a label left as None keeps its stored value); commits."""
    if warranted is None and resolved is None:
        raise ValueError("give at least one label: warranted or resolved")
    get_agent(session=session, agent_id=agent_id)
    handoff = get_handoff(session=session, handoff_id=handoff_id)
    if handoff.status == "waiting":
        raise ValueError(f"handoff {handoff_id!r} is still waiting: claim it before labelling")
    if warranted is not None:
        handoff.warranted = warranted
    if resolved is not None:
        handoff.resolved = resolved
    handoff.labelled_by = agent_id
    handoff.labelled_at = now_or_clock(now)
    session.add(handoff)
    session.commit()
    session.refresh(handoff)
    return handoff
