"""CI gates on eval metrics (`evals/gates.yaml`) and the comparison with a saved baseline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evals.summary import flatten

GATES_PATH = Path(__file__).parent / "gates.yaml"
BASELINE_PATH = Path(__file__).parent / "baseline" / "baseline.json"

# Metrics a baseline comparison watches, and which way is better. Latency gets slack: it is noisy.
HIGHER_IS_BETTER = (
    "pass_rate",
    "pass_hat_k",
    "escalation.precision",
    "escalation.recall",
    "escalation.f1",
    "escalation.must_recall",
    "retrieval.hit_at_k",
    "retrieval.mrr",
    "retrieval.citation_precision",
    "tone.pass_rate",
)
LOWER_IS_BETTER = {
    "escalation.false_escalation_rate": 0.0,
    "escalation.turn_error.mean_abs_error": 0.0,
    "latency_ms.p50": 0.5,  # relative slack
    "latency_ms.p95": 0.5,
}


class GateFileError(ValueError):
    """A gates or baseline file that cannot be used."""


@dataclass(frozen=True)
class GateResult:
    metric: str
    bound: str  # e.g. ">= 0.9"
    value: Any
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_gates(path: Path = GATES_PATH) -> dict[str, dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GateFileError(f"{path}: cannot read the gates ({exc})") from None
    gates = data.get("gates") if isinstance(data, dict) else None
    if not isinstance(gates, dict):
        raise GateFileError(f"{path}: expected a mapping 'gates: {{metric: {{min|max|equals}}}}'")
    for metric, bound in gates.items():
        if not isinstance(bound, dict) or not bound or set(bound) - {"min", "max", "equals"}:
            raise GateFileError(f"{path}: gates.{metric}: expected min, max or equals")
    return gates


def check_gates(summary: dict[str, Any], gates: dict[str, dict[str, Any]]) -> list[GateResult]:
    flat = flatten(summary)
    results = []
    for metric, bound in gates.items():
        value = flat.get(metric)
        for kind, limit in bound.items():
            if value is None:
                passed = False  # an unmeasured metric cannot vouch for anything
            elif kind == "min":
                passed = value >= limit
            elif kind == "max":
                passed = value <= limit
            else:
                passed = value == limit
            symbol = {"min": ">=", "max": "<=", "equals": "=="}[kind]
            results.append(GateResult(metric, f"{symbol} {limit}", value, passed))
    return results


def baseline_record(summary: dict[str, Any], passed: dict[str, bool]) -> dict[str, Any]:
    return {"summary": summary, "passed": passed}


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GateFileError(f"{path}: cannot read the baseline ({exc})") from None
    if not isinstance(data, dict) or "summary" not in data or "passed" not in data:
        raise GateFileError(f"{path}: expected a baseline with 'summary' and 'passed'")
    return data


def compare_with_baseline(
    summary: dict[str, Any], passed: dict[str, bool], baseline: dict[str, Any]
) -> list[str]:
    """What got worse since the baseline: metrics, in words, then scenarios that stopped passing."""
    now, before = flatten(summary), flatten(baseline["summary"])
    worse = []
    for metric in HIGHER_IS_BETTER:
        a, b = now.get(metric), before.get(metric)
        if b is not None and (a is None or a < b - 1e-9):
            worse.append(f"{metric} fell from {_fmt(b)} to {_fmt(a)}")
    for metric, slack in LOWER_IS_BETTER.items():
        a, b = now.get(metric), before.get(metric)
        if b is not None and a is not None and a > b * (1 + slack) + 1e-9:
            worse.append(f"{metric} rose from {_fmt(b)} to {_fmt(a)}")
    if before.get("escalation.in_band") and not now.get("escalation.in_band"):
        worse.append("the weighted escalation rate left the 5-15% band")
    for scenario_id, ok in sorted(baseline["passed"].items()):
        if ok and passed.get(scenario_id) is False:
            worse.append(f"scenario {scenario_id} passed in the baseline and fails now")
    return worse


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
