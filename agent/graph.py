"""Wires the turn pipeline of docs/architecture.md and compiles it; the nodes live in ``agent.nodes``.

START ─┬─► sentiment ─┐
       └─► retrieve  ─┴─► decide ─┬─► respond ──► END
                                  ├─► handoff ──► END
                                  └─► await_human ► END
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent.dependencies import TurnDependencies
from agent.nodes.decide import make_decide_node, route_after_decide
from agent.nodes.handoff import make_await_human_node, make_handoff_node
from agent.nodes.respond import make_respond_node
from agent.nodes.retrieve import make_retrieve_node
from agent.nodes.sentiment import make_sentiment_node
from agent.state import ConversationState, TurnInput


def build_graph(
    deps: TurnDependencies, *, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> CompiledStateGraph[ConversationState, None, TurnInput, ConversationState]:
    graph = StateGraph(ConversationState, input_schema=TurnInput)
    graph.add_node("sentiment", make_sentiment_node(deps))
    graph.add_node("retrieve", make_retrieve_node(deps))
    graph.add_node("decide", make_decide_node(deps))
    graph.add_node("respond", make_respond_node(deps))
    graph.add_node("handoff", make_handoff_node(deps))
    graph.add_node("await_human", make_await_human_node(deps))

    # Sentiment and retrieval share one superstep: the reading costs no extra latency.
    graph.add_edge(START, "sentiment")
    graph.add_edge(START, "retrieve")
    graph.add_edge(["sentiment", "retrieve"], "decide")
    graph.add_conditional_edges("decide", route_after_decide)
    graph.add_edge("respond", END)
    graph.add_edge("handoff", END)
    graph.add_edge("await_human", END)
    return graph.compile(checkpointer=checkpointer, name="tideline-turn")
