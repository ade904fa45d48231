"""The grounded (offline) responder, in rooms: units (an article cut into sentences, steps and
facts), kinds (what a question asks and a sentence offers), choose (which articles and units) and
composer (the reply)."""

from agent.responders.grounded.composer import (
    CANNOT_ANSWER,
    CONCISE_TONES,
    NEXT_STEP,
    TENTATIVE_LEAD,
    GroundedResponder,
    stream_text,
)
from agent.responders.grounded.units import is_boilerplate, split_units

__all__ = [
    "CANNOT_ANSWER",
    "CONCISE_TONES",
    "NEXT_STEP",
    "TENTATIVE_LEAD",
    "GroundedResponder",
    "is_boilerplate",
    "split_units",
    "stream_text",
]
