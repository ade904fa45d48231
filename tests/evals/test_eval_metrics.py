"""Eval metric arithmetic on plain values."""

from __future__ import annotations

import pytest

from evals import metrics as m
from evals.gates import check_gates, compare_with_baseline

E = m.EscalationCase


def test_precision_recall_f1_and_false_escalations() -> None:
    cases = [
        E(True, True),
        E(True, True),
        E(True, False),
        E(False, True),
        E(False, False),
        E(False, False),
        E(False, False),
    ]
    conf = m.confusion(cases)
    assert (conf.tp, conf.fp, conf.fn, conf.tn) == (2, 1, 1, 3)
    precision, recall, f1 = m.precision_recall_f1(conf)
    assert precision == pytest.approx(2 / 3) and recall == pytest.approx(2 / 3)
    assert f1 == pytest.approx(2 / 3)
    assert m.false_escalation_rate(conf) == pytest.approx(1 / 4)


def test_undefined_metrics_are_none_not_perfect() -> None:
    conf = m.confusion([E(False, False)])
    assert m.precision_recall_f1(conf) == (None, None, None)
    assert m.must_recall([E(True, True)]) is None
    assert not m.in_band(None)


def test_must_recall_counts_only_must_cases() -> None:
    cases = [E(True, True, must=True), E(True, False, must=True), E(True, False)]
    assert m.must_recall(cases) == 0.5


def test_turn_error_is_signed_distance_outside_the_window() -> None:
    assert m.turn_error(E(True, True, turn=1, earliest=3, latest=4)) == -2
    assert m.turn_error(E(True, True, turn=6, earliest=3, latest=4)) == 2
    assert m.turn_error(E(True, True, turn=3, earliest=3, latest=4)) == 0
    summary = m.turn_errors(
        [
            E(True, True, turn=1, earliest=2),
            E(True, True, turn=5, latest=3),
            E(True, True, turn=2),
            E(False, True, turn=1),
        ]
    )
    assert summary == {"early": 1, "late": 1, "on_time": 1, "mean_abs_error": 1.0}


def test_weighted_escalation_rate_and_band() -> None:
    cases = [E(False, False, weight=9.0), E(True, True, weight=1.0)]
    assert m.weighted_escalation_rate(cases) == pytest.approx(0.1)
    assert m.in_band(0.1) and not m.in_band(0.2) and not m.in_band(0.04)


def test_retrieval_and_citation_metrics() -> None:
    assert m.reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(["a"], ["z"]) == 0.0
    assert m.hit_at_k(["a", "b", "c"], ["c"], 3) and not m.hit_at_k(["a", "b", "c"], ["c"], 2)
    assert m.citation_precision([["a", "b"], ["c"]], [["a"], ["c"]]) == pytest.approx(2 / 3)
    assert m.citation_precision([[]], [["a"]]) is None


def test_pass_hat_k_needs_every_trial() -> None:
    assert m.pass_hat_k({"a": [True, True, True], "b": [True, False, True]}) == 0.5


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert m.percentile(values, 50) == 50.0 and m.percentile(values, 99) == 99.0
    assert m.latency_summary([])["p50"] is None


def test_gates_and_baseline_comparison() -> None:
    summary = {"escalation": {"recall": 0.8, "must_recall": None, "in_band": True}}
    results = {
        g.metric: g.passed
        for g in check_gates(
            summary,
            {
                "escalation.recall": {"min": 0.75},
                "escalation.must_recall": {"min": 0.5},
                "escalation.in_band": {"equals": True},
            },
        )
    }
    assert results == {
        "escalation.recall": True,
        "escalation.must_recall": False,
        "escalation.in_band": True,
    }
    baseline = {
        "summary": {"escalation": {"recall": 0.9, "in_band": True}},
        "passed": {"a": True, "b": False},
    }
    worse = compare_with_baseline(
        {"escalation": {"recall": 0.8, "in_band": False}}, {"a": False, "b": False}, baseline
    )
    assert any("escalation.recall fell from 0.900 to 0.800" in w for w in worse)
    assert any("left the 5-15% band" in w for w in worse)
    assert "scenario a passed in the baseline and fails now" in worse
    assert len(worse) == 3
