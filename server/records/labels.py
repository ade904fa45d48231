"""The agents' outcome labels as calibration data: each labelled handoff becomes a past
conversation for `tideline eval calibrate --from-desk`, in the ``--labelled`` JSONL format."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from server.records.models import Handoff

# Who spoke, in the replay format (docs/policy.md); Tideline's own notices are not turns.
_SPEAKERS = {"customer": "customer", "bot": "bot", "agent": "agent"}


def labelled_conversations(*, session: Session, since: float | None = None) -> list[dict[str, Any]]:
    """``{conversation_id, turns, should_escalate}`` for every handoff an agent labelled warranted
    or not: the conversation as the bot saw it when it handed over, and the agent's verdict."""
    query = select(Handoff).where(col(Handoff.warranted).is_not(None))
    if since is not None:
        query = query.where(col(Handoff.created_at) >= since)
    rows = []
    for handoff in session.exec(query.order_by(col(Handoff.created_at))).all():
        turns = [
            {"speaker": _SPEAKERS[entry["role"]], "text": entry["text"]}
            for entry in handoff.transcript
            if entry.get("role") in _SPEAKERS and entry.get("text")
        ]
        if any(t["speaker"] == "customer" for t in turns):
            rows.append(
                {
                    "conversation_id": handoff.conversation_id,
                    "turns": turns,
                    "should_escalate": bool(handoff.warranted),
                }
            )
    return rows
