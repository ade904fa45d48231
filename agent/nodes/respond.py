"""The `respond` node: the bot's reply in the chosen tone, streamed as it is written."""

from __future__ import annotations

from typing import Any

from langgraph.config import get_stream_writer

from agent.dependencies import TurnDependencies
from agent.policy.tone import select_tone
from agent.responders.base import ReplyRequest
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.state import ConversationState, Node
from knowledge.types import RetrievalResult


def make_respond_node(deps: TurnDependencies) -> Node:
    def respond(state: ConversationState) -> dict[str, Any]:
        write = get_stream_writer()
        decision = state["decision"]
        tone = select_tone(
            SentimentReading.from_dict(state["readings"][-1]),
            ConversationSentiment.from_dict(state["sentiment"]),
        )
        # Acknowledge a frustrated customer's problem once per conversation, not on every reply.
        acknowledgement = None if state.get("acknowledged") else tone.acknowledge
        history = [
            {"role": e["role"], "text": e["text"]}
            for e in state.get("transcript", [])[-deps.history_turns :]
        ]
        request = ReplyRequest(
            question=state["message"],
            retrieval=RetrievalResult.from_dict(state["retrieval"]),
            tone=decision["tone"],
            tone_instruction=decision["tone_instruction"],
            acknowledgement=acknowledgement,
            history=history,
            notes=list(state.get("notes", [])),
        )
        reply = deps.responder.respond(request, on_token=lambda delta: write({"token": delta}))
        entry = {
            "role": "bot",
            "text": reply.text,
            "turn": state["turn"],
            "citations": [c.to_dict() for c in reply.citations],
            "grounded": reply.grounded,
        }
        return {
            "reply": reply.to_dict(),
            "transcript": [entry],
            "acknowledged": bool(state.get("acknowledged")) or acknowledgement is not None,
            "notes": [],
            "cited_doc_ids": [c.doc_id for c in reply.citations],
        }

    return respond
