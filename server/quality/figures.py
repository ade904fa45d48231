"""The supervisor's quality figures, summed from the measures of conversations that ended."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from agent.quality.arc import ArcShape
from server.desk.plain_words import RULES, signal_text
from server.records.models import ConversationQuality

NOT_A_METRIC = (
    "Sentiment and predicted satisfaction follow the customer's problem and mood, not only the "
    "person who helped: use them for coaching on problem types, never as a performance metric "
    "for individuals."
)
MIN_GROUP = 1  # groups smaller than this are left out (a team may raise it)


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(sum(kept) / len(kept), 2) if kept else None


def _group(rows: list[ConversationQuality]) -> dict[str, Any]:
    return {
        "conversations": len(rows),
        "rated": sum(r.rating is not None for r in rows),
        "predicted_mean": _mean(r.predicted for r in rows),
        "rating_mean": _mean(r.rating for r in rows),
        "worsened_share": round(
            sum(r.arc_shape == ArcShape.WORSENED.value for r in rows) / len(rows), 3
        ),
    }


def _worst_first(
    rows: list[ConversationQuality], key: Callable[[ConversationQuality], str | None], name: str
) -> list[dict[str, Any]]:
    groups: dict[str, list[ConversationQuality]] = defaultdict(list)
    for row in rows:
        groups[key(row) or "(none)"].append(row)
    out = [{name: k, **_group(v)} for k, v in groups.items() if len(v) >= MIN_GROUP]
    return sorted(out, key=lambda g: (g["predicted_mean"], -g["conversations"]))


def problem_words(problem_type: str) -> str:
    """A problem type as a support lead says it: the rule's words, else the cue's."""
    if problem_type in RULES:
        return RULES[problem_type]
    if problem_type in ("none", "(none)"):
        return "No sign of trouble"
    words = signal_text(problem_type)
    return words[:1].upper() + words[1:]


def _with_words(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**g, "problem_words": problem_words(g["problem_type"])} for g in groups]


def summary(rows: list[ConversationQuality]) -> dict[str, Any]:
    """Coverage, arcs, predicted satisfaction by day, and the topics and problems that end worst."""
    days: dict[str, list[ConversationQuality]] = defaultdict(list)
    for row in rows:
        days[datetime.fromtimestamp(row.ended_at, UTC).date().isoformat()].append(row)
    arcs = Counter(r.arc_shape for r in rows)
    rated = sum(r.rating is not None for r in rows)
    return {
        "coverage": {
            "ended": len(rows),
            "measured": len(rows),
            "surveyed": rated,
            "surveyed_share": round(rated / len(rows), 3) if rows else 0.0,
        },
        "arcs": {shape.value: arcs.get(shape.value, 0) for shape in ArcShape},
        "predicted_mean": _mean(r.predicted for r in rows),
        "rating_mean": _mean(r.rating for r in rows),
        "over_time": [
            {
                "day": day,
                "conversations": len(group),
                "predicted_mean": _mean(r.predicted for r in group),
                "rating_mean": _mean(r.rating for r in group),
            }
            for day, group in sorted(days.items())
        ],
        "topics": _worst_first(rows, lambda r: r.topic, "topic"),
        "problem_types": _with_words(_worst_first(rows, lambda r: r.problem_type, "problem_type")),
    }


def by_agent(rows: list[ConversationQuality], names: dict[str, str]) -> dict[str, Any]:
    """Per person and problem type, for coaching; conversations no person held are left out."""
    groups: dict[tuple[str, str], list[ConversationQuality]] = defaultdict(list)
    for row in rows:
        if row.agent_id is not None:
            groups[(row.agent_id, row.problem_type or "(none)")].append(row)
    entries = [
        {
            "agent": names.get(agent_id, "(removed)"),
            "problem_type": problem,
            **_group(group),
        }
        for (agent_id, problem), group in groups.items()
    ]
    entries.sort(key=lambda e: (e["agent"], e["problem_type"]))
    return {"note": NOT_A_METRIC, "rows": _with_words(entries)}
