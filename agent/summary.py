"""Plain-text summaries for the human who picks up a conversation: the issue and why it was handed over."""

from __future__ import annotations

import re
from typing import Any

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _first_sentences(text: str, limit: int = 2, max_chars: int = 280) -> str:
    sentences = [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]
    out = " ".join(sentences[:limit])
    return out if len(out) <= max_chars else out[: max_chars - 1].rstrip() + "…"


def issue_summary(transcript: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> str:
    """What was asked, what the bot answered (and from which articles), what it could not answer."""
    customer = [e for e in transcript if e["role"] == "customer"]
    bot = [e for e in transcript if e["role"] == "bot"]
    lines: list[str] = []
    if customer:
        lines.append(f"Customer's first message: {_first_sentences(customer[0]['text'])}")
        if len(customer) > 1:
            lines.append(f"Latest message: {_first_sentences(customer[-1]['text'])}")
    answered = [e for e in bot if e.get("grounded")]
    unanswered = [e for e in bot if not e.get("grounded")]
    if answered:
        titles: list[str] = []
        for entry in answered:
            for citation in entry.get("citations", []):
                if citation["title"] not in titles:
                    titles.append(citation["title"])
        lines.append(
            f"The bot answered {len(answered)} time(s)"
            + (f", citing: {'; '.join(titles)}." if titles else ".")
        )
    if unanswered:
        asked = [
            e["text"] for e in customer if any(b["turn"] == e["turn"] for b in unanswered)
        ]
        quoted = "; ".join(f'"{_first_sentences(t, 1, 120)}"' for t in asked[:3])
        lines.append(f"The help centre could not answer {len(unanswered)} question(s): {quoted}")
    if not bot:
        lines.append("The bot had not answered yet.")
    lines.append(f"Customer turns: {len(customer)}.")
    return "\n".join(lines)


def handoff_rationale(decision: dict[str, Any]) -> str:
    """The decision's reason and the comparisons that fired, in words an agent can audit."""
    fired = [e for e in decision.get("evidence", []) if e.get("fired")]
    parts = [decision["reason"]]
    for item in fired:
        parts.append(
            f"{item['rule']}: {item['measure']} = {_fmt(item['value'])} "
            f"{item['comparison']} {_fmt(item['threshold'])}"
        )
    parts.append(
        f"Severity {decision['severity']}, risk {decision['risk']:.2f}, "
        f"policy {decision['policy_version']}."
    )
    return "\n".join(parts)


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
