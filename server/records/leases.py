"""Leases on periodic jobs: of several server processes, the one holding the lease runs the job."""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from server.records.proactive_models import ScanLease


def take_lease(*, session: Session, name: str, holder: str, now: float, seconds: float) -> bool:
    """Take or renew the lease until ``now + seconds``; False while another holder has it."""
    renewed = session.execute(
        update(ScanLease)
        .where(
            col(ScanLease.name) == name,
            or_(col(ScanLease.expires_at) <= now, col(ScanLease.holder) == holder),
        )
        .values(holder=holder, expires_at=now + seconds)
    )
    if renewed.rowcount:  # type: ignore[attr-defined]
        session.commit()
        return True
    session.rollback()
    if session.get(ScanLease, name) is not None:
        return False
    session.add(ScanLease(name=name, holder=holder, expires_at=now + seconds))
    try:
        session.commit()
    except IntegrityError:  # another process made the row first: it holds the lease
        session.rollback()
        return False
    return True
