"""Turns a run's conversations into the metrics that reports, gates and baselines read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from evals import metrics as m
from evals.judge import acknowledges, answers, reply_tone_problems
from evals.records import ConversationRun
from evals.scenarios import Scenario


def escalation_case(scenario: Scenario, run: ConversationRun) -> m.EscalationCase:
    want = scenario.escalation
    return m.EscalationCase(
        should=want.should,
        escalated=run.escalated,
        must=want.must,
        turn=run.escalation_turn,
        earliest=want.earliest_turn,
        latest=want.latest_turn,
        weight=scenario.weight,
    )


def _tone_outcomes(scenario: Scenario, run: ConversationRun) -> list[tuple[str, bool]]:
    """(sentiment state, passed) for each answer the bot gave in this conversation."""
    out = []
    acknowledged_before = False
    seen_frustrated = False
    for turn in answers(run):
        text = turn.reply or ""
        ok = not reply_tone_problems(text, max_chars=scenario.expect.tone.max_chars)
        state = str(turn.decision["tone"])
        ack = acknowledges(text)
        if state == "frustrated":
            # The first frustrated answer acknowledges the problem; later ones do not repeat it.
            ok = ok and (ack or acknowledged_before if not seen_frustrated else not ack)
            seen_frustrated = True
        acknowledged_before = acknowledged_before or ack
        out.append((state, ok))
    return out


def summarize_runs(
    scenarios: Sequence[Scenario], runs: Sequence[ConversationRun]
) -> dict[str, Any]:
    by_id = {s.id: s for s in scenarios}
    cases = [escalation_case(by_id[r.scenario_id], r) for r in runs]
    conf = m.confusion(cases)
    precision, recall, f1 = m.precision_recall_f1(conf)
    rate = m.weighted_escalation_rate(cases)

    ranks: list[float] = []
    hits: list[bool] = []
    cited: list[list[str]] = []
    gold: list[tuple[str, ...]] = []
    tone: dict[str, list[bool]] = defaultdict(list)
    latencies: list[float] = []
    trials: dict[str, list[bool]] = defaultdict(list)
    failed_checks: dict[str, int] = defaultdict(int)
    for run in runs:
        scenario = by_id[run.scenario_id]
        trials[run.scenario_id].append(run.passed)
        latencies += [t.latency_ms for t in run.turns]
        by_turn = {t.turn: t for t in run.turns}
        for want in scenario.expect.retrieval:
            turn = by_turn.get(want.turn)
            ranked = turn.retrieved if turn else []
            ranks.append(m.reciprocal_rank(ranked, want.gold))
            hits.append(m.hit_at_k(ranked, want.gold, want.k))
            if turn and turn.reply is not None and not turn.decision["escalate"]:
                cited.append(turn.citations)
                gold.append(want.gold)
        for state, ok in _tone_outcomes(scenario, run):
            tone[state].append(ok)
        for check in run.checks:
            if not check["passed"]:
                failed_checks[check["check"].split("[")[0]] += 1

    tone_by_state = {state: m.pass_rate(v) for state, v in sorted(tone.items())}
    all_tone = [ok for v in tone.values() for ok in v]
    return {
        "conversations": len(runs),
        "scenarios": len(scenarios),
        "trials": max((len(v) for v in trials.values()), default=0),
        "passed": sum(r.passed for r in runs),
        "pass_rate": m.pass_rate(r.passed for r in runs),
        "pass_hat_k": m.pass_hat_k(trials),
        "errors": sum(r.error is not None for r in runs),
        "escalation": {
            "confusion": conf.__dict__,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "must_recall": m.must_recall(cases),
            "false_escalation_rate": m.false_escalation_rate(conf),
            "turn_error": m.turn_errors(cases),
            "weighted_rate": rate,
            "band": list(m.TRAFFIC_BAND),
            "in_band": m.in_band(rate),
        },
        "retrieval": {
            "checks": len(hits),
            "hit_at_k": m.pass_rate(hits),
            "mrr": sum(ranks) / len(ranks) if ranks else None,
            "citation_precision": m.citation_precision(cited, gold),
        },
        "tone": {
            "pass_rate": m.pass_rate(all_tone),
            "by_state": tone_by_state,
            "replies": {s: len(v) for s, v in sorted(tone.items())},
        },
        "latency_ms": m.latency_summary(latencies),
        "failed_checks": dict(sorted(failed_checks.items())),
    }


def flatten(summary: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"escalation": {"recall": 1}}`` -> ``{"escalation.recall": 1}``: the names gates use."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat
