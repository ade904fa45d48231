"""Writes labelled_conversations.jsonl: support conversations labelled as ending well or badly.

Every line (``conversation_lines.json``) was written for Tideline's conversation-risk model
(evals/data/README.md): per domain, a few lines for each part a conversation is made of (a calm
question, a problem, a polite "that didn't help", a blunt remark, a final outburst ...). Each
conversation follows one course (``COURSES``) whose outcome is its label, filled with lines of its
domain chosen by a fixed seed, so re-running this script reproduces the file exactly. Two domains
(hotel, utilities) are held out entirely: no line of theirs is seen when fitting.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

HELD_OUT = ("hotel", "utilities")

# The lines themselves, per domain and for the shared parts (thanks, outbursts, the bot's replies).
_LINES = json.loads(Path(__file__).with_name("conversation_lines.json").read_text(encoding="utf-8"))
LINES = _LINES["lines"]
THANKS = _LINES["thanks"]
CALM_CLOSE = _LINES["calm_close"]
SPIKE = _LINES["spike"]
VENT = _LINES["vent"]
AFTER_SPIKE = _LINES["after_spike"]
PERSON = _LINES["person"]
GIVE_UP = _LINES["give_up"]
BOT_ANSWER = _LINES["bot_answer"]
BOT_MISS = _LINES["bot_miss"]


def _courses(rng: random.Random, lines: dict[str, list[str]]) -> list[tuple[str, bool, list[Any]]]:
    """Each course: (kind, ended badly, turns as (line, grounded or None))."""
    pick = rng.choice
    return [
        ("plain", False, [(pick(lines["ask"]), True), (pick(THANKS), None)]),
        ("plain_no_thanks", False, [(pick(lines["ask"]), True), (pick(lines["follow"]), True)]),
        ("one_question", False, [(pick(lines["ask"]), True)]),
        (
            "task",
            False,
            [(pick(lines["task"]), True), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        ("task_short", False, [(pick(lines["task"]), True), (pick(CALM_CLOSE), None)]),
        (
            "problem_solved",
            False,
            [(pick(lines["problem"]), True), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        ("blunt_resolved", False, [(pick(lines["blunt"]), True), (pick(THANKS), None)]),
        (
            "spike_then_fine",
            False,
            [
                (pick(lines["ask"]), True),
                (pick(SPIKE), True),
                (pick(AFTER_SPIKE), True),
                (pick(THANKS), None),
            ],
        ),
        (
            "miss_then_fine",
            False,
            [(pick(lines["ask"]), False), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        (
            "frustrated_resolved",
            False,
            [
                (pick(lines["problem"]), True),
                (pick(lines["frustrated"]), True),
                (pick(lines["follow"]), True),
                (pick(THANKS), None),
            ],
        ),
        (
            "vent_resolved",
            False,
            [(pick(VENT), True), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        (
            "long_calm",
            False,
            [
                (pick(lines["ask"]), True),
                (pick(lines["follow"]), True),
                (pick(lines["task"]), True),
                (pick(lines["follow"]), True),
                (pick(CALM_CLOSE), None),
            ],
        ),
        (
            "quiet_dropoff",
            True,
            [
                (pick(lines["problem"]), True),
                (pick(lines["decline"]), True),
                (pick(CALM_CLOSE), None),
            ],
        ),
        (
            "polite_unresolved_long",
            True,
            [
                (pick(lines["ask"]), True),
                (pick(lines["follow"]), True),
                (pick(lines["decline"]), True),
                (pick(lines["repeat"]), True),
                (pick(GIVE_UP), None),
            ],
        ),
        (
            "polite_declining",
            True,
            [
                (pick(lines["problem"]), True),
                (pick(lines["decline"]), True),
                (pick(lines["decline"]), True),
                (pick(GIVE_UP), None),
            ],
        ),
        (
            "slow_decline",
            True,
            [
                (pick(lines["problem"]), True),
                (pick(lines["decline"]), True),
                (pick(lines["frustrated"]), True),
                (pick(lines["outburst"]), None),
            ],
        ),
        (
            "unanswered",
            True,
            [(pick(lines["ask"]), False), (pick(lines["repeat"]), False), (pick(GIVE_UP), None)],
        ),
        ("sudden_anger", True, [(pick(lines["problem"]), True), (pick(lines["outburst"]), None)]),
        (
            "asks_for_person",
            True,
            [(pick(lines["problem"]), True), (pick(lines["decline"]), True), (pick(PERSON), None)],
        ),
        ("threat", True, [(pick(lines["problem"]), True), (pick(lines["threat"]), None)]),
        (
            "waiting",
            True,
            [(pick(lines["waiting"]), True), (pick(lines["repeat"]), True), (pick(GIVE_UP), None)],
        ),
    ]


def _turns(rng: random.Random, steps: list[Any]) -> list[dict[str, Any]]:
    turns = []
    for text, grounded in steps:
        turns.append({"speaker": "customer", "text": text})
        if grounded is None:
            continue  # the customer's last word
        reply = rng.choice(BOT_ANSWER) if grounded else BOT_MISS
        turns.append({"speaker": "bot", "text": reply, "grounded": grounded})
    return turns


def build(rounds: int = 2, seed: int = 12) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for domain, lines in LINES.items():
        for round_ in range(rounds):
            for kind, bad, steps in _courses(rng, lines):
                rows.append(
                    {
                        "conversation_id": f"lc-{domain}-{kind}-{round_ + 1}",
                        "domain": domain,
                        "kind": kind,
                        "outcome": "bad" if bad else "good",
                        "should_escalate": bad,
                        "split": "held_out" if domain in HELD_OUT else "fit",
                        "turns": _turns(rng, steps),
                    }
                )
    return rows


def main() -> None:
    target = Path(__file__).with_name("labelled_conversations.jsonl")
    rows = build()
    with target.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} conversations to {target.name}")


if __name__ == "__main__":
    main()
