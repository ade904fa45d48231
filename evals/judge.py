"""Judges one played conversation against its scenario's expectations, check by check."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agent.policy.tone import contains_boilerplate
from evals.scenarios import Scenario

if TYPE_CHECKING:
    from evals.records import ConversationRun, TurnRecord

# How a reply acknowledges a problem, whichever responder wrote it.
_ACKNOWLEDGEMENT = re.compile(
    r"\b(sorry|apologi[sz]e|apologies|that's frustrating|that is frustrating|I hear you)\b",
    re.IGNORECASE,
)
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2019": "'"})


def normalise(text: str) -> str:
    """Lower case with one kind of dash and apostrophe, so '5–10' matches '5-10'."""
    return " ".join(text.translate(_DASHES).lower().split())


def contains(text: str, wanted: str | tuple[str, ...]) -> bool:
    options = (wanted,) if isinstance(wanted, str) else wanted
    haystack = normalise(text)
    return any(normalise(option) in haystack for option in options)


def acknowledges(text: str) -> bool:
    return bool(_ACKNOWLEDGEMENT.search(text))


def answers(run: ConversationRun) -> list[TurnRecord]:
    """Turns the bot answered itself (not the handoff notice, not a human's stretch)."""
    return [t for t in run.turns if t.reply is not None and not t.decision["escalate"]]


def reply_tone_problems(text: str, *, max_chars: int | None) -> list[str]:
    """What is wrong with one reply's tone regardless of the conversation: boilerplate, length."""
    problems = []
    phrase = contains_boilerplate(text)
    if phrase:
        problems.append(f"boilerplate {phrase!r}")
    if max_chars is not None and len(text) > max_chars:
        problems.append(f"{len(text)} characters (limit {max_chars})")
    return problems


def _check(name: str, passed: bool, detail: str = "") -> dict[str, Any]:
    return {"check": name, "passed": passed, "detail": detail}


def judge_conversation(scenario: Scenario, run: ConversationRun) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    if run.error:
        checks.append(_check("run", False, run.error))
    checks += _escalation_checks(scenario, run)
    by_turn = {t.turn: t for t in run.turns}
    for i, want in enumerate(scenario.expect.retrieval):
        turn = by_turn.get(want.turn)
        got = turn.retrieved[: want.k] if turn else []
        hit = any(doc in want.gold for doc in got)
        checks.append(
            _check(
                f"retrieval[{i}]",
                hit,
                f"turn {want.turn}: top {want.k} {got}, gold {list(want.gold)}",
            )
        )
    for i, fact in enumerate(scenario.expect.facts):
        turn = by_turn.get(fact.turn)
        reply = turn.reply if turn and not turn.decision["escalate"] else None
        missing = [f for f in fact.contains if reply is None or not contains(reply, f)]
        detail = f"turn {fact.turn}: " + (
            "no answer from the bot" if reply is None else f"missing {missing}" if missing else "ok"
        )
        checks.append(_check(f"facts[{i}]", not missing, detail))
    checks += _tone_checks(scenario, run)
    if scenario.expect.summary_contains and run.escalated:
        summary = run.handoff_summary or ""
        missing = [w for w in scenario.expect.summary_contains if not contains(summary, w)]
        checks.append(_check("summary", not missing, f"missing {missing}" if missing else "ok"))
    if scenario.expect.reply_must_not_contain:
        said = " ".join(t.reply or "" for t in run.turns)
        leaked = [w for w in scenario.expect.reply_must_not_contain if contains(said, w)]
        checks.append(_check("must_not_say", not leaked, f"said {leaked}" if leaked else "ok"))
    return checks


def _escalation_checks(scenario: Scenario, run: ConversationRun) -> list[dict[str, Any]]:
    want = scenario.escalation
    got = f"turn {run.escalation_turn} by {run.escalation_rule}" if run.escalated else "no handoff"
    expected = "a handoff" if want.should else "no handoff"
    checks = [_check("escalation", want.should == run.escalated, f"expected {expected}, got {got}")]
    if want.should and run.escalated and run.escalation_turn is not None:
        early = want.earliest_turn is not None and run.escalation_turn < want.earliest_turn
        late = want.latest_turn is not None and run.escalation_turn > want.latest_turn
        window = f"{want.earliest_turn or 1}..{want.latest_turn or len(scenario.turns)}"
        checks.append(
            _check(
                "escalation_turn",
                not (early or late),
                f"turn {run.escalation_turn}, expected {window}",
            )
        )
        if want.rules:
            checks.append(
                _check(
                    "escalation_rule",
                    run.escalation_rule in want.rules,
                    f"{run.escalation_rule}, expected one of {list(want.rules)}",
                )
            )
    return checks


def _tone_checks(scenario: Scenario, run: ConversationRun) -> list[dict[str, Any]]:
    tone = scenario.expect.tone
    replies = answers(run)
    checks = []
    problems = [
        f"turn {t.turn}: {p}"
        for t in replies
        for p in reply_tone_problems(
            t.reply or "",
            max_chars=tone.max_chars if tone.no_boilerplate or tone.max_chars else None,
        )
        if tone.no_boilerplate or not p.startswith("boilerplate")
    ]
    checks.append(_check("tone", not problems, "; ".join(problems) or "ok"))
    frustrated = [t for t in replies if t.decision["tone"] == "frustrated"]
    if tone.acknowledge_once and frustrated:
        acknowledged = [t.turn for t in replies if acknowledges(t.reply or "")]
        first_frustrated = frustrated[0].turn
        ok = len(acknowledged) == 1 and acknowledged[0] <= first_frustrated
        checks.append(
            _check(
                "acknowledge_once",
                ok,
                f"acknowledged on turns {acknowledged}; first frustrated answer on turn "
                f"{first_frustrated}",
            )
        )
    return checks
