"""Trajectory signals per customer, each judged against the customer's own baseline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agent.outreach.history import Conversation, CustomerHistory
from agent.outreach.measures import ConversationMeasure

# Words that carry no issue: the topic of a conversation is what is left of the customer's text.
_STOP_TEXT = """a about after again all also am an and any are as at be been but by can could did do does
    don't for from get got had has have hello hi how i i'm if in is it it's its just me my no not
    of on or our please so still that the their them then there this to up us was we were what
    when why will with would you your yes ok okay thanks thank hey there's im ive i've dont cant
    can't one now know need want like really some very more here back since today week day
    following follow mention mentioned before time times third second first writing wrote again
    issue problem help look someone team support message ticket appreciate answer update working
    work fix fixed sort sorted try tried same still soon waiting wait asap quick question got"""
_STOP = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
USAGE_EVENTS = ("login", "order", "session", "usage", "purchase", "visit")
OTHER_CHANNELS = ("phone", "email", "call", "voice")


def topic_words(conversation: Conversation) -> frozenset[str]:
    words = _WORD.findall(" ".join(conversation.customer_texts).lower())
    # A light stem (trailing s / ing / ed) so "invoices" and "invoice" meet.
    stems = (re.sub(r"(ing|ed|es|s)$", "", w) for w in words if w not in _STOP)
    return frozenset(s for s in stems if len(s) >= 3 and s not in _STOP)


def same_issue(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) >= 2 and len(a & b) / min(len(a), len(b)) >= 0.2


@dataclass
class Signals:
    contacts_in_window: int = 0
    declining: bool = False
    negative: bool = False
    repeat_contacts: int = 0  # largest group of window contacts on one issue
    unresolved: int = 0  # unresolved contacts in the window
    channel_switch: bool = False
    silence_days: float = 0.0  # days quiet after a negative unresolved last contact
    usage_ratio: float | None = None  # recent 30 days vs the customer's earlier monthly rate
    renewal_days: float | None = None
    baseline_csat: float | None = None
    recent_csat: float | None = None
    issues: list[str] = field(default_factory=list)  # customer's own words for the repeated issue
    fired: dict[str, bool] = field(default_factory=dict)


def compute_signals(
    history: CustomerHistory,
    measures: list[ConversationMeasure],
    now: datetime,
    window_days: int = 60,
) -> Signals:
    """Compute every signal; ``fired`` records which ones cross their threshold."""
    s = Signals()
    start = now - timedelta(days=window_days)
    pairs = [
        (c, m) for c, m in zip(history.conversations, measures, strict=True) if c.started_at <= now
    ]
    recent = [(c, m) for c, m in pairs if c.started_at >= start]
    earlier = [(c, m) for c, m in pairs if c.started_at < start]
    s.contacts_in_window = len(recent) + sum(
        1 for e in history.events if start <= e.at <= now and _other_channel_contact(e.type, e.data)
    )
    csats = [m.predicted_csat for _, m in pairs]
    if csats:
        # Baseline: the earlier half of the customer's own contacts (all but the last two when short).
        base = [m.predicted_csat for _, m in earlier] or csats[: max(1, len(csats) - 2)]
        last = csats[-2:] if len(csats) >= 2 else csats
        s.baseline_csat, s.recent_csat = sum(base) / len(base), sum(last) / len(last)
        neg_base = [m.negativity for _, m in earlier] or [
            m.negativity for _, m in pairs[: max(1, len(pairs) - 2)]
        ]
        neg_last = [m.negativity for _, m in pairs[-2:]]
        cooling = sum(neg_last) / len(neg_last) - sum(neg_base) / len(neg_base)
        s.declining = len(pairs) >= 2 and (
            s.recent_csat <= s.baseline_csat - 0.6 or cooling >= 0.12
        )
        s.negative = bool(recent) and s.recent_csat <= 2.6
    topics = [topic_words(c) for c, _ in recent]
    for topic in topics:
        group = [j for j, other in enumerate(topics) if same_issue(topic, other)]
        if len(group) > s.repeat_contacts:
            s.repeat_contacts = len(group)
            shared = (
                set.intersection(*(set(topics[j]) for j in group)) if len(group) > 1 else set(topic)
            )
            s.issues = sorted(shared, key=len, reverse=True)[:3]
    s.unresolved = sum(1 for c, _ in recent if c.resolved is False)
    s.channel_switch = _channel_switch(history, recent, start, now)
    if pairs:
        last_c, last_m = pairs[-1]
        if last_c.resolved is False and last_m.predicted_csat <= 3.0:
            s.silence_days = (now - last_c.started_at).total_seconds() / 86400
    s.usage_ratio = _usage_ratio(history, now)
    renewal = history.attributes.get("renewal_date")
    if isinstance(renewal, str):
        try:
            when = datetime.fromisoformat(renewal.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=now.tzinfo)
            s.renewal_days = (when - now).total_seconds() / 86400
        except ValueError:
            s.renewal_days = None
    s.fired = {
        "declining": s.declining,
        "negative": s.negative,
        "repeat_contacts": s.repeat_contacts >= 2,
        "unresolved": s.unresolved >= 1 and bool(pairs) and pairs[-1][0].resolved is not True,
        "channel_switch": s.channel_switch,
        "silence": s.silence_days >= 10,
        "usage_falling": s.usage_ratio is not None and s.usage_ratio <= 0.5,
        "renewal_approaching": s.renewal_days is not None and 0 <= s.renewal_days <= 60,
    }
    return s


def _other_channel_contact(kind: str, data: dict[str, object]) -> bool:
    channel = str(data.get("channel", "")).lower()
    return kind in OTHER_CHANNELS or (kind in ("contact", "ticket") and channel in OTHER_CHANNELS)


def _channel_switch(
    history: CustomerHistory,
    recent: list[tuple[Conversation, ConversationMeasure]],
    start: datetime,
    now: datetime,
) -> bool:
    chats = [c.started_at for c, _ in recent if c.channel in ("chat", "widget", "web")]
    others = [c.started_at for c, _ in recent if c.channel in OTHER_CHANNELS]
    others += [
        e.at
        for e in history.events
        if start <= e.at <= now and _other_channel_contact(e.type, e.data)
    ]
    return bool(chats) and any(o > min(chats) for o in others)


def _usage_ratio(history: CustomerHistory, now: datetime) -> float | None:
    usage = [
        e for e in history.events if any(e.type.startswith(k) for k in USAGE_EVENTS) and e.at <= now
    ]
    recent_start, base_start = now - timedelta(days=30), now - timedelta(days=120)
    base = [e for e in usage if base_start <= e.at < recent_start]
    if len(base) < 3:
        return None  # too little history to call a fall
    rate = len(base) / 3
    return sum(1 for e in usage if e.at >= recent_start) / rate
