"""The `retrieve` node: hybrid search of the knowledge base for this message."""

from __future__ import annotations

from typing import Any

from agent.dependencies import TurnDependencies
from agent.state import ConversationState, Node


def make_retrieve_node(deps: TurnDependencies) -> Node:
    def retrieve(state: ConversationState) -> dict[str, Any]:
        result = deps.retriever.search(state["message"], k=deps.retrieval_k)
        return {"retrieval": result.to_dict()}

    return retrieve
