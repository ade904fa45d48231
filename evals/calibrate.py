"""Threshold calibration: sweeps the policy over recorded readings and proposes the best policy.

The sentiment readings and the answerable flags are recorded once (from an eval run and from
labelled past conversations); every candidate policy then only re-runs the pure policy over them,
through the same replay code `tideline replay` uses, so a sweep of hundreds of policies is cheap.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from agent.policy.config import PolicyConfig
from agent.policy.escalation import EscalationPolicy
from agent.replay import (
    InvalidTranscript,
    read_conversation,
    replay_conversation,
    validate_conversation,
)
from agent.sentiment.reading import SentimentAnalyzer, SentimentReading
from evals import metrics as m
from evals.records import ConversationRun
from evals.scenarios import Scenario

# The grid swept by default: the thresholds docs/policy.md names, around their defaults.
GRID: dict[str, tuple[float | int, ...]] = {
    "rules.frustration.threshold": (0.6, 0.65, 0.7, 0.75, 0.8, 0.85),
    "rules.critical_frustration.threshold": (0.85, 0.9, 0.95),
    "rules.sustained_negative.score_at_most": (-0.4, -0.5, -0.6, -0.7),
    "rules.bot_cannot_help.ungrounded_turns": (1, 2, 3),
}


class LabelledDataError(ValueError):
    """A labelled-conversations file that cannot be used; names the file and line."""


@dataclass(frozen=True)
class LabelledConversation:
    """A transcript with its recorded readings and whether a person should have taken it."""

    conversation: dict[str, Any]
    readings: list[SentimentReading | None]
    should: bool
    must: bool = False
    weight: float = 1.0
    source: str = "scenario"  # scenario | labelled


@dataclass(frozen=True)
class Candidate:
    settings: dict[str, float | int]
    policy: EscalationPolicy
    recall: float | None
    precision: float | None
    must_recall: float | None
    rate: float | None

    @property
    def in_band(self) -> bool:
        return m.in_band(self.rate)


def from_runs(
    scenarios: Sequence[Scenario], runs: Sequence[ConversationRun]
) -> list[LabelledConversation]:
    """The scenarios' played turns as replayable transcripts (answerable = grounded)."""
    by_id = {s.id: s for s in scenarios}
    out = []
    for run in runs:
        scenario = by_id[run.scenario_id]
        conv: dict[str, Any] = {
            "conversation_id": run.scenario_id,
            "turns": [
                {"speaker": "customer", "text": t.message, "grounded": t.answerable}
                for t in run.turns
            ],
        }
        if scenario.customer_history:
            conv["customer_history"] = scenario.customer_history.model_dump()
        readings: list[SentimentReading | None] = [
            SentimentReading.from_dict(t.reading) for t in run.turns
        ]
        out.append(
            LabelledConversation(
                conv,
                readings,
                scenario.escalation.should,
                scenario.escalation.must,
                scenario.weight,
            )
        )
    return out


def read_labelled(
    rows: Iterable[tuple[int, dict[str, Any]]], analyzer: SentimentAnalyzer, *, source: str
) -> list[LabelledConversation]:
    """Past transcripts ``{conversation_id, turns, should_escalate, weight?}`` read once."""
    out = []
    for line, row in rows:
        label = row.get("should_escalate")
        if not isinstance(label, bool):
            raise LabelledDataError(f"{source}:{line}: should_escalate: expected true or false")
        weight = row.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise LabelledDataError(f"{source}:{line}: weight: expected a positive number")
        try:
            validate_conversation(row)
        except InvalidTranscript as exc:
            raise LabelledDataError(f"{source}:{line}: {exc.detail}") from None
        conv = {
            k: v for k, v in row.items() if k in ("conversation_id", "turns", "customer_history")
        }
        out.append(
            LabelledConversation(
                conv,
                read_conversation(conv, analyzer),
                label,
                bool(row.get("must_escalate", False)),
                float(weight),
                "labelled",
            )
        )
    return out


def with_settings(config: PolicyConfig, settings: dict[str, float | int]) -> PolicyConfig:
    data = config.model_dump(mode="json")
    for dotted, value in settings.items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
    return PolicyConfig.model_validate(data, strict=False)


def judge(
    policy: EscalationPolicy,
    settings: dict[str, float | int],
    conversations: Sequence[LabelledConversation],
) -> Candidate:
    cases = []
    for c in conversations:
        result = replay_conversation(c.conversation, policy=policy, readings=c.readings)
        cases.append(
            m.EscalationCase(
                should=c.should, escalated=result["escalated"], must=c.must, weight=c.weight
            )
        )
    precision, recall, _ = m.precision_recall_f1(m.confusion(cases))
    return Candidate(
        settings, policy, recall, precision, m.must_recall(cases), m.weighted_escalation_rate(cases)
    )


def sweep(
    base: PolicyConfig,
    conversations: Sequence[LabelledConversation],
    grid: dict[str, tuple[float | int, ...]] = GRID,
) -> list[Candidate]:
    candidates = []
    for values in itertools.product(*grid.values()):
        settings = dict(zip(grid, values, strict=True))
        if settings.get("rules.critical_frustration.threshold", 1.0) < settings.get(
            "rules.frustration.threshold", 0.0
        ):
            continue  # critical must not sit below the ordinary frustration limit
        policy = EscalationPolicy(with_settings(base, settings))
        candidates.append(judge(policy, settings, conversations))
    return candidates


def choose(candidates: Sequence[Candidate], current: dict[str, float | int]) -> Candidate:
    """Highest recall inside the band (then precision, then fewest changes from today's policy)."""

    def changes(c: Candidate) -> int:
        return sum(c.settings[k] != current.get(k) for k in c.settings)

    def distance_to_band(c: Candidate) -> float:
        rate = c.rate or 0.0
        return max(m.TRAFFIC_BAND[0] - rate, rate - m.TRAFFIC_BAND[1], 0.0)

    pool = [c for c in candidates if c.in_band] or sorted(candidates, key=distance_to_band)[:10]
    return max(
        pool, key=lambda c: (c.must_recall or 0.0, c.recall or 0.0, c.precision or 0.0, -changes(c))
    )


def current_settings(config: PolicyConfig, grid: dict[str, Any] = GRID) -> dict[str, float | int]:
    data = config.model_dump(mode="json")
    out = {}
    for dotted in grid:
        node: Any = data
        for part in dotted.split("."):
            node = node[part]
        out[dotted] = node
    return out


def policy_yaml(chosen: Candidate, base: PolicyConfig, evidence: str) -> str:
    data = chosen.policy.config.model_dump(mode="json")
    data["version"] = f"{base.version}-calibrated"
    data["description"] = (
        f"Proposed by `tideline eval calibrate` from {base.name}@{base.version}: {evidence}"
    )
    header = (
        "# Proposed escalation policy written by `tideline eval calibrate`.\n"
        "# Review the changes against the current policy before using it.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def tradeoff_svg(candidates: Sequence[Candidate], chosen: Candidate, current: Candidate) -> str:
    """Recall against weighted escalation rate for every candidate, with the healthy band shaded."""
    w, h, pad = 520, 340, 45
    max_rate = max([0.3] + [c.rate or 0.0 for c in candidates])

    def x(rate: float) -> float:
        return pad + rate / max_rate * (w - 2 * pad)

    def y(recall: float) -> float:
        return h - pad - recall * (h - 2 * pad)

    lo, hi = m.TRAFFIC_BAND
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
        'aria-label="calibration trade-off: escalation recall against escalation rate">',
        f'<rect x="{x(lo):.1f}" y="{pad}" width="{x(hi) - x(lo):.1f}" height="{h - 2 * pad}" '
        'fill="#2a7" opacity="0.15"><title>healthy band 5-15%</title></rect>',
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#333"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="#333"/>',
    ]
    for c in candidates:
        if c.rate is None or c.recall is None:
            continue
        label = ", ".join(f"{k.split('.')[-2]}={v}" for k, v in c.settings.items())
        parts.append(
            f'<circle cx="{x(c.rate):.1f}" cy="{y(c.recall):.1f}" r="3" fill="#888" '
            f'opacity="0.6"><title>{label}: rate {c.rate:.3f}, recall {c.recall:.3f}'
            "</title></circle>"
        )
    for c, colour, name in ((current, "#06c", "current"), (chosen, "#c00", "proposed")):
        if c.rate is not None and c.recall is not None:
            parts.append(
                f'<circle cx="{x(c.rate):.1f}" cy="{y(c.recall):.1f}" r="7" fill="none" '
                f'stroke="{colour}" stroke-width="2.5"><title>{name}</title></circle>'
                f'<text x="{x(c.rate) + 9:.1f}" y="{y(c.recall) - 8:.1f}" font-size="12" '
                f'fill="{colour}">{name}</text>'
            )
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<text x="{pad - 6}" y="{y(tick) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{tick:.2f}</text>'
        )
    steps = 5
    for i in range(steps + 1):
        rate = max_rate * i / steps
        parts.append(
            f'<text x="{x(rate):.1f}" y="{h - pad + 14}" font-size="10" '
            f'text-anchor="middle">{rate:.0%}</text>'
        )
    parts.append(
        f'<text x="{w / 2}" y="{h - 8}" font-size="12" text-anchor="middle">weighted '
        'escalation rate</text><text x="12" y="20" font-size="12">escalation recall</text>'
    )
    parts.append("</svg>\n")
    return "".join(parts)
