"""Why a conversation reached a person, written for the person who picks it up.

Built when the package is read, not when the handoff was made, so the severity it states is the
one on the badge now, with how it got there (opened at, raised by a new trigger, raised for
waiting).
"""

from __future__ import annotations

from typing import Any

from server.desk.plain_words import measure_text, rule_text, signal_text

QUOTE_CHARS = 160


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…") + "”"


def _num(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _fired_turn(decisions: list[dict[str, Any]]) -> int | None:
    for index, decision in enumerate(decisions):
        if decision.get("escalate"):
            return index
    return None


def what_mattered(
    transcript: list[dict[str, Any]], readings: list[dict[str, Any]], turn: int
) -> str:
    said = [e["text"] for e in transcript if e.get("role") == "customer"]
    if not said:
        return "The customer had not written anything yet."
    index = min(turn, len(said) - 1)
    signals = readings[index].get("signals", []) if index < len(readings) else []
    cues = [signal_text(s) for s in signals]
    line = f"At message {index + 1} the customer wrote {_quote(said[index])}"
    if cues:
        line += "; they " + ", ".join(cues)
    return line + "."


def limit_passed(decision: dict[str, Any]) -> str:
    parts = []
    for item in decision.get("evidence", []):
        if not item.get("fired"):
            continue
        measure = str(item.get("measure", ""))
        if measure == "signal":
            cues = [c.strip() for c in str(item.get("value", "")).split(",") if c.strip()]
            parts.append("the customer " + " and ".join(signal_text(c) for c in cues))
        elif isinstance(item.get("value"), (int, float)) and not isinstance(
            item.get("value"), bool
        ):
            comparison = "reached" if item.get("comparison") in (">=", "<=") else "passed"
            parts.append(
                f"{measure_text(measure)} {_num(item['value'])} {comparison} the limit "
                f"{_num(item['threshold'])}"
            )
        elif measure == "trend":
            parts.append("the mood kept getting worse")
    rule = rule_text(decision.get("rule"))
    if not parts:
        return f"Rule: {rule}."
    return f"Rule: {rule}, because " + "; ".join(dict.fromkeys(parts)) + "."


def trend(readings: list[dict[str, Any]]) -> str:
    scores = [float(r["score"]) for r in readings if isinstance(r.get("score"), (int, float))]
    if not scores:
        return "No sentiment reading yet."
    if len(scores) == 1:
        return f"One message so far, mood {scores[0]:+.2f} (−1 very negative … +1 very positive)."
    direction = (
        "worse"
        if scores[-1] < scores[0] - 0.1
        else "better"
        if scores[-1] > scores[0] + 0.1
        else "about the same"
    )
    peak = max(float(r.get("frustration", 0.0)) for r in readings)
    return (
        f"Mood went from {scores[0]:+.2f} at the first message to {scores[-1]:+.2f} at message "
        f"{len(scores)} ({direction}); frustration peaked at {peak:.2f}."
    )


def severity_history(package: dict[str, Any]) -> str:
    decisions = package.get("decisions") or []
    turn = _fired_turn(decisions)
    opened = decisions[turn]["severity"] if turn is not None else None
    steps = []
    for entry in package.get("priority_log") or []:
        reason = str(entry.get("reason", ""))
        why = reason if reason.startswith("waited") else "a new trigger: " + reason
        steps.append(f"raised to {entry.get('applied', entry.get('severity'))} ({why})")
    line = f"Severity now {package['severity']}"
    if opened and (steps or opened != package["severity"]):
        line += f": opened as {opened}"
    if steps:
        line += ", then " + ", then ".join(steps)
    return line + "."


def explanation(package: dict[str, Any]) -> list[dict[str, str]]:
    """Four short paragraphs: what was said, which limit, how the mood moved, the severity."""
    decisions = package.get("decisions") or []
    readings = package.get("sentiment_series") or []
    turn = _fired_turn(decisions)
    fired = decisions[turn] if turn is not None else {"rule": package.get("rule"), "evidence": []}
    return [
        {
            "label": "What the customer said",
            "text": what_mattered(
                package.get("transcript") or [],
                readings,
                turn if turn is not None else len(readings) - 1,
            ),
        },
        {"label": "Which limit it passed", "text": limit_passed(fired)},
        {"label": "How the mood moved", "text": trend(readings)},
        {"label": "Severity", "text": severity_history(package)},
    ]
