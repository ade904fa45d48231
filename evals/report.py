"""Eval reports: terminal table, summary.json, conversations JSONL, JUnit XML and HTML."""

from __future__ import annotations

import html
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from evals.gates import GateResult
from evals.records import ConversationRun
from evals.scenarios import Scenario


@dataclass(frozen=True)
class Thresholds:
    """The policy limits drawn on each trajectory plot."""

    frustration: float = 0.75
    critical_frustration: float = 0.9
    negative_score: float = -0.6


@dataclass
class EvalReport:
    scenarios: Sequence[Scenario]
    runs: Sequence[ConversationRun]
    summary: dict[str, Any]
    gates: list[GateResult] = field(default_factory=list)
    worse_than_baseline: list[str] = field(default_factory=list)
    thresholds: Thresholds = field(default_factory=Thresholds)


def _f(value: Any, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1%}" if pct else f"{value:.3f}"
    return str(value)


def metric_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    e, r, t, lat = (
        summary["escalation"],
        summary["retrieval"],
        summary["tone"],
        summary["latency_ms"],
    )
    c = e["confusion"]
    return [
        (
            "conversations passed",
            f"{summary['passed']}/{summary['conversations']} ({_f(summary['pass_rate'], True)})",
        ),
        ("pass^k", f"{_f(summary['pass_hat_k'], True)} over {summary['trials']} trial(s)"),
        (
            "escalation precision / recall / F1",
            f"{_f(e['precision'])} / {_f(e['recall'])} / {_f(e['f1'])}",
        ),
        ("recall on must (target 1.0)", _f(e["must_recall"])),
        ("false-escalation rate", _f(e["false_escalation_rate"], True)),
        ("confusion tp/fp/fn/tn", f"{c['tp']}/{c['fp']}/{c['fn']}/{c['tn']}"),
        (
            "handoff turn early/late/on time",
            f"{e['turn_error']['early']}/{e['turn_error']['late']}/{e['turn_error']['on_time']}",
        ),
        (
            "weighted escalation rate (band 5-15%)",
            f"{_f(e['weighted_rate'], True)} ({'in' if e['in_band'] else 'OUT OF'} band)",
        ),
        ("retrieval hit@k / MRR", f"{_f(r['hit_at_k'])} / {_f(r['mrr'])} ({r['checks']} checks)"),
        ("citation precision", _f(r["citation_precision"])),
        (
            "tone pass rate",
            _f(t["pass_rate"], True)
            + "  "
            + ", ".join(f"{s} {_f(v, True)}" for s, v in t["by_state"].items()),
        ),
        (
            "turn latency p50 / p95 / p99 ms",
            f"{_f(lat['p50'])} / {_f(lat['p95'])} / {_f(lat['p99'])}",
        ),
    ]


def terminal_table(report: EvalReport) -> str:
    rows = metric_rows(report.summary)
    width = max(len(k) for k, _ in rows)
    lines = ["metric".ljust(width) + "  value", "-" * (width + 40)]
    lines += [f"{k.ljust(width)}  {v}" for k, v in rows]
    failing = [r for r in report.runs if not r.passed]
    if failing:
        lines += ["", f"failing conversations ({len(failing)}):"]
        for run in failing:
            bad = [c for c in run.checks if not c["passed"]]
            detail = "; ".join(f"{c['check']}: {c['detail']}" for c in bad)
            lines.append(f"  {run.scenario_id}#{run.trial}  {detail}")
    if report.worse_than_baseline:
        lines += ["", "worse than the baseline:"] + [f"  {w}" for w in report.worse_than_baseline]
    if report.gates:
        crossed = [g for g in report.gates if not g.passed]
        lines += ["", f"gates: {len(report.gates) - len(crossed)}/{len(report.gates)} hold"]
        lines += [f"  CROSSED {g.metric} = {_f(g.value)}, gate {g.bound}" for g in crossed]
    return "\n".join(lines)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reports(report: EvalReport, directory: Path) -> list[Path]:
    """summary.json, conversations.jsonl, junit.xml and report.html in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    summary = {
        **report.summary,
        "gates": [g.to_dict() for g in report.gates],
        "worse_than_baseline": report.worse_than_baseline,
    }
    files = {
        "summary.json": json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
        "conversations.jsonl": "".join(
            json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in report.runs
        ),
        "junit.xml": junit_xml(report),
        "report.html": html_report(report),
    }
    written = []
    for name, text in files.items():
        _atomic_write(directory / name, text)
        written.append(directory / name)
    return written


def junit_xml(report: EvalReport) -> str:
    suite = ET.Element(
        "testsuite",
        name="tideline-evals",
        tests=str(len(report.runs) + len(report.gates)),
        failures=str(
            sum(not r.passed for r in report.runs) + sum(not g.passed for g in report.gates)
        ),
    )
    for run in report.runs:
        case = ET.SubElement(
            suite, "testcase", classname="scenarios", name=f"{run.scenario_id}#{run.trial}"
        )
        bad = [c for c in run.checks if not c["passed"]]
        if bad:
            failure = ET.SubElement(case, "failure", message=bad[0]["check"])
            failure.text = "\n".join(f"{c['check']}: {c['detail']}" for c in bad)
    for gate in report.gates:
        case = ET.SubElement(suite, "testcase", classname="gates", name=gate.metric)
        if not gate.passed:
            ET.SubElement(
                case, "failure", message=f"{gate.metric} = {gate.value}, gate {gate.bound}"
            )
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def trajectory_svg(run: ConversationRun, scenario: Scenario, limits: Thresholds) -> str:
    """Score and frustration per turn, the policy's limits, the expected and actual handoff turn."""
    w, h, pad = 420, 180, 30
    n = max(len(run.turns), len(scenario.turns), 1)

    def x(turn: float) -> float:
        return pad + (turn - 1) * (w - 2 * pad) / max(n - 1, 1)

    def y(value: float) -> float:  # -1..1 onto the plot height
        return h - pad - (value + 1) / 2 * (h - 2 * pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'role="img" aria-label="sentiment trajectory of {html.escape(scenario.id)}">',
        f'<rect x="{pad}" y="{pad}" width="{w - 2 * pad}" height="{h - 2 * pad}" '
        'fill="#fafafa" stroke="#ccc"/>',
    ]
    want = scenario.escalation
    if want.should:
        lo, hi = want.earliest_turn or 1, want.latest_turn or n
        parts.append(
            f'<rect x="{x(lo) - 6:.1f}" y="{pad}" width="{x(hi) - x(lo) + 12:.1f}" '
            f'height="{h - 2 * pad}" fill="#2a7" opacity="0.15"><title>expected handoff '
            f"turns {lo}-{hi}</title></rect>"
        )
    for value, colour, label in (
        (limits.frustration, "#e90", "frustration limit"),
        (limits.critical_frustration, "#c00", "critical frustration limit"),
        (limits.negative_score, "#06c", "sustained-negative score limit"),
    ):
        parts.append(
            f'<line x1="{pad}" x2="{w - pad}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{colour}" stroke-dasharray="4 3"><title>{label} {value}</title></line>'
        )
    for key, colour in (("score", "#06c"), ("frustration", "#e90")):
        points = " ".join(f"{x(t.turn):.1f},{y(float(t.reading[key])):.1f}" for t in run.turns)
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for t in run.turns:
            parts.append(
                f'<circle cx="{x(t.turn):.1f}" cy="{y(float(t.reading[key])):.1f}" r="3" '
                f'fill="{colour}"><title>turn {t.turn} {key} {t.reading[key]:.2f}</title></circle>'
            )
    if run.escalation_turn is not None:
        ex = x(run.escalation_turn)
        parts.append(
            f'<line x1="{ex:.1f}" x2="{ex:.1f}" y1="{pad - 8}" y2="{h - pad}" stroke="#c00" '
            f'stroke-width="2"><title>handed off on turn {run.escalation_turn} '
            f"({html.escape(str(run.escalation_rule))})</title></line>"
        )
    for turn in range(1, n + 1):
        parts.append(
            f'<text x="{x(turn):.1f}" y="{h - 10}" font-size="10" text-anchor="middle">'
            f"{turn}</text>"
        )
    parts.append(
        '<text x="4" y="14" font-size="10">score (blue) · frustration (orange) · '
        "handoff (red line) · expected (green)</text></svg>"
    )
    return "".join(parts)


def _confusion_html(summary: dict[str, Any]) -> str:
    c = summary["escalation"]["confusion"]
    return (
        "<table class='confusion'><tr><th></th><th>handed off</th><th>kept by bot</th></tr>"
        f"<tr><th>should hand off</th><td class='ok'>{c['tp']}</td>"
        f"<td class='bad'>{c['fn']}</td></tr>"
        f"<tr><th>should not</th><td class='bad'>{c['fp']}</td><td class='ok'>{c['tn']}</td></tr>"
        "</table>"
    )


def html_report(report: EvalReport) -> str:
    e = html.escape
    by_id = {s.id: s for s in report.scenarios}
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in metric_rows(report.summary)
    )
    gates = "".join(
        f"<tr class='{'ok' if g.passed else 'bad'}'><td>{e(g.metric)}</td><td>{e(_f(g.value))}</td>"
        f"<td>{e(g.bound)}</td></tr>"
        for g in report.gates
    )
    worse = "".join(f"<li>{e(w)}</li>" for w in report.worse_than_baseline) or "<li>nothing</li>"
    convs = []
    for run in sorted(report.runs, key=lambda r: (r.passed, r.scenario_id)):
        scenario = by_id[run.scenario_id]
        checks = "".join(
            f"<li class='{'ok' if c['passed'] else 'bad'}'>{e(c['check'])}: {e(c['detail'])}</li>"
            for c in run.checks
        )
        turns = "".join(
            f"<tr><td>{t.turn}</td><td>{e(t.message)}</td><td>{t.reading['score']:+.2f} / "
            f"{t.reading['frustration']:.2f} {e(', '.join(t.reading['signals']))}</td>"
            f"<td>{e(t.decision['rule'] or '-')}"
            f"{' → handoff' if t.decision['escalate'] else ''}</td>"
            f"<td>{e((t.reply or '')[:300])}</td></tr>"
            for t in run.turns
        )
        convs.append(
            f"<details{' open' if not run.passed else ''}>"
            f"<summary class='{'ok' if run.passed else 'bad'}'>"
            f"{e(run.scenario_id)} #{run.trial} — {'pass' if run.passed else 'FAIL'} "
            f"<small>{e(', '.join(scenario.tags))}</small></summary>"
            f"{trajectory_svg(run, scenario, report.thresholds)}<ul>{checks}</ul>"
            f"<table><tr><th>turn</th><th>customer</th><th>score / frustration</th><th>rule</th>"
            f"<th>reply</th></tr>{turns}</table></details>"
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>Tideline conversation evals</title>"
        "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
        "td,th{border:1px solid #ddd;"
        "padding:3px 6px;font-size:13px;vertical-align:top}"
        "table{border-collapse:collapse;margin:6px 0}"
        ".ok{color:#176}.bad{color:#b00}details{margin:6px 0;border-top:1px solid #eee}"
        ".confusion td{font-size:20px;text-align:center;width:90px}</style></head><body>"
        "<h1>Tideline conversation evals</h1>"
        f"<h2>Metrics</h2><table>{rows}</table>"
        f"<h2>Confusion matrix</h2>{_confusion_html(report.summary)}"
        f"<h2>Gates</h2><table><tr><th>metric</th><th>value</th><th>gate</th></tr>{gates}</table>"
        f"<h2>Worse than the baseline</h2><ul>{worse}</ul>"
        f"<h2>Conversations</h2>{''.join(convs)}</body></html>\n"
    )
