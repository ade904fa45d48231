"""What the console shows beside a handoff's package: the explanation written for a person, the
customer's ratings of the bot's answers, who wrote each agent message, and the internal notes."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from server.desk.explain import explanation
from server.records.feedback import ratings_of
from server.records.models import Agent
from server.records.notes import notes_of


def enrich_package(session: Session, package: dict[str, Any]) -> dict[str, Any]:
    conversation_id = package["conversation_id"]
    ratings = ratings_of(session=session, conversation_id=conversation_id)
    authors = {m["author_agent_id"] for m in package["messages"] if m.get("author_agent_id")}
    names = (
        dict(session.exec(select(Agent.id, Agent.name).where(col(Agent.id).in_(authors))).all())
        if authors
        else {}
    )
    for message in package["messages"]:
        message["feedback"] = ratings.get(message["seq"])
        message["agent_name"] = names.get(message.get("author_agent_id") or "")
    package["explanation"] = explanation(package)
    package["notes"] = notes_of(session=session, conversation_id=conversation_id)
    return package
