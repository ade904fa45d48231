"""One customer through the outreach policy: measures, signals, the matching rule and a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.outreach.drafts import MONEY_WORDS, DraftFacts, issue_phrase, write_draft
from agent.outreach.history import CustomerHistory
from agent.outreach.measures import ConversationMeasure, measure_conversation
from agent.outreach.policy import TIERS, OutreachPolicy, OutreachRule
from agent.outreach.signals import Signals, compute_signals, same_issue, topic_words
from agent.sentiment import SentimentAnalyzer

_WEIGHTS = {
    "declining": 0.25,
    "negative": 0.2,
    "repeat_contacts": 0.15,
    "unresolved": 0.15,
    "channel_switch": 0.1,
    "silence": 0.1,
    "usage_falling": 0.15,
    "renewal_approaching": 0.05,
}


@dataclass(frozen=True)
class ScanSetup:
    analyzer: SentimentAnalyzer
    policy: OutreachPolicy
    now: datetime
    chat_model: BaseChatModel | None = None


def scan_customer(history: CustomerHistory, setup: ScanSetup) -> dict[str, Any]:
    """The ``outreach`` object written for one customer (docs/outreach.md lists its fields)."""
    measures = [measure_conversation(c, setup.analyzer) for c in history.conversations]
    signals = compute_signals(history, measures, setup.now)
    risk = round(min(1.0, sum(w for k, w in _WEIGHTS.items() if signals.fired.get(k))), 2)
    rule = _first_match(history, measures, signals, setup)
    evidence = _evidence(history, measures, signals)
    if rule is None:
        return {
            "flagged": False, "rule": None, "tier": None, "severity": None, "risk": risk,
            "rationale": "no outreach rule matches", "evidence": evidence, "draft": None,
            "contact_by": None,
        }  # fmt: skip
    draft = write_draft(_facts(history, measures, signals, rule, setup), setup.chat_model)
    fired = [k for k, v in signals.fired.items() if v]
    return {
        "flagged": True,
        "rule": rule.name,
        "tier": rule.action,
        "severity": rule.severity,
        "risk": risk,
        "rationale": f"rule {rule.name}: {', '.join(fired)}",
        "evidence": evidence,
        "draft": draft.to_dict(),
        "contact_by": _contact_by(history, measures, rule, setup.now),
    }


def _in_segment(history: CustomerHistory, rule: OutreachRule) -> bool:
    if "any" in rule.segment:
        return True
    attrs = history.attributes
    values = {str(attrs.get(k, "")).lower() for k in ("segment", "plan", "tier")}
    return any(s.lower() in values for s in rule.segment)


def _first_match(
    history: CustomerHistory,
    measures: list[ConversationMeasure],
    signals: Signals,
    setup: ScanSetup,
) -> OutreachRule | None:
    # The costliest action is tried first: a renewal at risk outranks a check-in.
    ordered = sorted(setup.policy.rules, key=lambda r: -TIERS.index(r.action))
    for rule in ordered:
        start = setup.now - timedelta(days=rule.days)
        contacts = sum(1 for c in history.conversations if start <= c.started_at <= setup.now)
        if contacts < rule.contacts or not _in_segment(history, rule):
            continue
        shows = {
            "declining": signals.declining,
            "negative": signals.negative,
            "declining_or_negative": signals.declining or signals.negative,
            "anything": True,
        }[rule.shows]
        if not shows:
            continue
        hits = [signals.fired.get(c, False) for c in rule.when]
        met = (all(hits) if rule.match == "all" else any(hits)) if hits else True
        if met and not any(signals.fired.get(c, False) for c in rule.unless):
            return rule
    return None


def _evidence(
    history: CustomerHistory, measures: list[ConversationMeasure], signals: Signals
) -> dict[str, Any]:
    return {
        "signals": {k: v for k, v in signals.fired.items() if v},
        "contacts_in_window": signals.contacts_in_window,
        "baseline_csat": _round(signals.baseline_csat),
        "recent_csat": _round(signals.recent_csat),
        "repeat_contacts": signals.repeat_contacts,
        "unresolved": signals.unresolved,
        "usage_ratio": _round(signals.usage_ratio),
        "renewal_days": _round(signals.renewal_days),
        "issue_words": signals.issues,
        "conversations": [
            {
                "conversation_id": m.conversation_id,
                "started_at": c.started_at.isoformat(),
                "channel": c.channel,
                "arc": round(m.arc, 2),
                "negativity": m.negativity,
                "predicted_csat": m.predicted_csat,
                "confidence": m.confidence,
                "resolved": c.resolved,
                "csat": c.csat,
            }
            for c, m in zip(history.conversations, measures, strict=True)
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _facts(
    history: CustomerHistory,
    measures: list[ConversationMeasure],
    signals: Signals,
    rule: OutreachRule,
    setup: ScanSetup,
) -> DraftFacts:
    start = setup.now - timedelta(days=rule.days)
    recent = [c for c in history.conversations if start <= c.started_at <= setup.now] or list(
        history.conversations[-1:]
    )
    # Name the open issues (resolved how-to questions are not the reason to write), latest first.
    open_issues = [c for c in recent if c.resolved is not True] or recent
    issues: list[str] = []
    seen: list[frozenset[str]] = []
    for conversation in reversed(open_issues):
        topic = topic_words(conversation)
        if any(same_issue(topic, s) for s in seen):
            continue
        phrase = issue_phrase(conversation.customer_texts, set(topic))
        if phrase:
            issues.append(phrase)
            seen.append(topic)
    attrs = history.attributes
    manager = attrs.get("account_manager")
    if rule.action == "alert_account_manager" and manager:
        step = (
            f"{manager}, who looks after your account, will call you this week to go through it; "
            "reply with a time that suits you."
        )
    else:
        step = (
            "Could we book a 15-minute call this week to go through it together? Reply with a time "
            "that suits you and I'll own it until it's done."
        )
    name = attrs.get("first_name") or attrs.get("name")
    raised = any(MONEY_WORDS.search(t) for c in recent for t in c.customer_texts)
    return DraftFacts(
        customer_name=str(name).split()[0] if name else None,
        issues=issues,
        contacts=len(recent),
        days=rule.days,
        unresolved=signals.unresolved,
        next_step=step,
        raised_money=raised,
    )


def _contact_by(
    history: CustomerHistory, measures: list[ConversationMeasure], rule: OutreachRule, now: datetime
) -> str:
    """The end of the rule's window after the last frustration peak, never before now."""
    peak = max(
        zip(history.conversations, measures, strict=True),
        key=lambda cm: (cm[1].negativity, cm[0].started_at),
        default=None,
    )
    anchor = peak[0].started_at if peak else now
    by = anchor + timedelta(hours=rule.contact_window.before_hours)
    if by < now:
        by = now + timedelta(
            hours=rule.contact_window.before_hours - rule.contact_window.after_hours
        )
    return by.isoformat()
