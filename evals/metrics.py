"""Eval metrics as plain arithmetic: escalation, retrieval, tone, latency, pass^k."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TRAFFIC_BAND = (0.05, 0.15)  # healthy share of conversations handed to a person (docs/policy.md)


@dataclass(frozen=True)
class EscalationCase:
    """What was expected of one conversation and what happened."""

    should: bool
    escalated: bool
    must: bool = False
    turn: int | None = None  # the customer turn of the handoff
    earliest: int | None = None
    latest: int | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0


def confusion(cases: Iterable[EscalationCase]) -> Confusion:
    tp = fp = fn = tn = 0
    for c in cases:
        if c.should and c.escalated:
            tp += 1
        elif c.escalated:
            fp += 1
        elif c.should:
            fn += 1
        else:
            tn += 1
    return Confusion(tp, fp, fn, tn)


def _ratio(num: float, den: float) -> float | None:
    """None when undefined (nothing to divide by): 'no data' must not read as a perfect score."""
    return num / den if den else None


def precision_recall_f1(m: Confusion) -> tuple[float | None, float | None, float | None]:
    precision = _ratio(m.tp, m.tp + m.fp)
    recall = _ratio(m.tp, m.tp + m.fn)
    if precision is None or recall is None:
        return precision, recall, None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def must_recall(cases: Iterable[EscalationCase]) -> float | None:
    must = [c for c in cases if c.must]
    return _ratio(sum(c.escalated for c in must), len(must))


def false_escalation_rate(m: Confusion) -> float | None:
    return _ratio(m.fp, m.fp + m.tn)


def turn_error(case: EscalationCase) -> int:
    """Turns outside the acceptable window: < 0 too early, > 0 too late, 0 on time."""
    if case.turn is None:
        return 0
    if case.earliest is not None and case.turn < case.earliest:
        return case.turn - case.earliest
    if case.latest is not None and case.turn > case.latest:
        return case.turn - case.latest
    return 0


def turn_errors(cases: Iterable[EscalationCase]) -> dict[str, float | int | None]:
    """Timing of correct handoffs: early, late, on time, and the mean miss."""
    errors = [turn_error(c) for c in cases if c.should and c.escalated]
    return {
        "early": sum(e < 0 for e in errors),
        "late": sum(e > 0 for e in errors),
        "on_time": sum(e == 0 for e in errors),
        "mean_abs_error": _ratio(sum(abs(e) for e in errors), len(errors)),
    }


def weighted_escalation_rate(cases: Iterable[EscalationCase]) -> float | None:
    """The share of ordinary traffic handed to a person, each conversation counted by its weight."""
    cases = list(cases)
    return _ratio(sum(c.weight for c in cases if c.escalated), sum(c.weight for c in cases))


def in_band(rate: float | None, band: tuple[float, float] = TRAFFIC_BAND) -> bool:
    return rate is not None and band[0] <= rate <= band[1]


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str]) -> float:
    wanted = set(gold)
    return next((1.0 / i for i, doc in enumerate(ranked, 1) if doc in wanted), 0.0)


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> bool:
    wanted = set(gold)
    return any(doc in wanted for doc in ranked[:k])


def citation_precision(
    cited: Iterable[Sequence[str]], gold: Iterable[Iterable[str]]
) -> float | None:
    """Of all citations in answers that have gold articles, the share that cite a gold article."""
    right = total = 0
    for docs, wanted in zip(cited, gold, strict=True):
        wanted_set = set(wanted)
        total += len(docs)
        right += sum(doc in wanted_set for doc in docs)
    return _ratio(right, total)


def pass_rate(outcomes: Iterable[bool]) -> float | None:
    values = list(outcomes)
    return _ratio(sum(values), len(values))


def pass_hat_k(trials_by_scenario: Mapping[str, Sequence[bool]]) -> float | None:
    """pass^k: the share of scenarios that passed on every one of their k trials."""
    return pass_rate(all(t) for t in trials_by_scenario.values() if t)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(values: Sequence[float]) -> dict[str, float | None]:
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
        "turns": len(values),
    }
