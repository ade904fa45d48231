"""The `retrieve` node: hybrid search of the knowledge base for this message."""

from __future__ import annotations

from typing import Any

from agent.dependencies import TurnDependencies
from agent.follow_up import search_text_in_context
from agent.state import ConversationState, Node


def make_retrieve_node(deps: TurnDependencies) -> Node:
    def retrieve(state: ConversationState) -> dict[str, Any]:
        # "I already tried that" is about the last answer's article, not a new search; "where is
        # it?" is about what the customer said before.
        query = search_text_in_context(state["message"], state.get("transcript", []))
        result = deps.retriever.search(query, k=deps.retrieval_k)
        return {"retrieval": result.to_dict()}

    return retrieve
