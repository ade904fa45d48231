"""Measures a conversation as it ends: its arc and predicted satisfaction, stored in the records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import HTTPConnection

from agent.quality.arc import ConversationArc, measure_arc
from agent.quality.model import SatisfactionModel, load_satisfaction_model
from agent.risk.model import RiskModel
from server.records.models import ConversationQuality
from server.records.quality import ConversationFacts, conversation_facts, store_quality
from server.runtime import Runtime
from server.settings import ServerSettings

EndedBy = Literal["agent", "idle", "customer"]


def arc_of(facts: ConversationFacts, risk_model: RiskModel) -> ConversationArc:
    """The arc of a conversation from what the records hold of it (the meter and the trainer)."""
    return measure_arc(
        facts.readings, risk_model, escalated=facts.escalated, resolved=facts.resolved
    )


@dataclass(frozen=True)
class QualityMeter:
    """The parts that measure a conversation: the records, the clock and the two fitted models."""

    engine: Engine
    clock: Callable[[], float]
    risk_model: RiskModel
    model: SatisfactionModel
    model_name: str

    def measure(self, conversation_id: str, ended_by: EndedBy) -> ConversationQuality:
        """Read the conversation's records, predict its satisfaction and keep it (once)."""
        with Session(self.engine) as session:
            facts = conversation_facts(session=session, conversation_id=conversation_id)
            arc = arc_of(facts, self.risk_model)
            prediction = self.model.predict(arc)
            row = ConversationQuality(
                conversation_id=conversation_id,
                ended_by=ended_by,
                ended_at=self.clock(),
                entry_score=arc.entry if arc.turns else None,
                exit_score=arc.exit if arc.turns else None,
                arc_shape=arc.shape.value,
                risk=arc.risk,
                predicted=prediction.satisfaction,
                confidence=prediction.confidence,
                model=self.model_name[:64],
                topic=facts.topic,
                problem_type=facts.problem_type,
                agent_id=facts.agent_id,
            )
            return store_quality(session=session, row=row)


def quality_meter(settings: ServerSettings, runtime: Runtime) -> QualityMeter:
    """The meter of a server: the policy's risk model and the configured satisfaction model."""
    path = settings.satisfaction_model_path
    return QualityMeter(
        engine=runtime.engine,
        clock=runtime.conversations.clock,
        risk_model=runtime.policy.risk_model,
        model=load_satisfaction_model(path),
        model_name=path.name if path is not None else "shipped",
    )


def get_meter(connection: HTTPConnection) -> QualityMeter:
    return connection.app.state.quality  # type: ignore[no-any-return]


QualityDep = Annotated[QualityMeter, Depends(get_meter)]
