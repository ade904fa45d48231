"""The policy's rule ids and sentiment cues in the words a support lead uses, for the console."""

from __future__ import annotations

RULES = {
    "explicit_request": "Asked for a person",
    "critical_frustration": "Very frustrated",
    "frustration": "Frustrated",
    "elevated_frustration": "Getting frustrated",
    "sustained_negative": "Unhappy for several messages",
    "bot_cannot_help": "The bot could not answer",
    "sensitive_topic": "Sensitive topic",
    "unresolved_followup": "Chasing an unresolved issue",
    "repeat_contact": "Contacted us repeatedly",
    "conversation_risk": "Conversation going badly",
}

SIGNALS = {
    "explicit_human_request": "asked for a person",
    "repeat_contact": "said they had contacted us before",
    "elapsed_time_complaint": "complained about how long it has taken",
    "all_caps": "wrote in capitals",
    "profanity": "swore",
    "sarcasm_suspected": "sounded sarcastic",
    "threat_to_cancel": "threatened to cancel",
    "legal_threat": "mentioned legal action",
    "chargeback_threat": "threatened a chargeback",
    "safety_concern": "reported a safety concern",
    "gratitude": "thanked us",
}

MEASURES = {
    "frustration": "frustration",
    "ungrounded_streak": "unanswered questions in a row",
}


def rule_text(rule: str | None) -> str:
    if not rule:
        return "No rule"
    return RULES.get(rule, rule.replace("_", " ").capitalize())


def signal_text(signal: str) -> str:
    return SIGNALS.get(signal, signal.replace("_", " "))


def measure_text(measure: str) -> str:
    return MEASURES.get(measure, measure.replace("_", " "))
