"""The unresolved-follow-up rule and the elevated-frustration watch level raised by repeat contact."""

from __future__ import annotations

import pytest

from agent.policy.decision import CustomerHistory
from agent.policy.escalation import EscalationPolicy, load_policy
from tests.agent.policy.test_policy_rules import decide, reading


@pytest.fixture(scope="module")
def policy() -> EscalationPolicy:
    return load_policy(None)


@pytest.mark.parametrize("signal", ["elapsed_time_complaint", "repeat_contact"])
def test_an_upset_follow_up_is_handed_over_below_the_plain_frustration_limit(
    policy: EscalationPolicy, signal: str
) -> None:
    d = decide(policy, reading(-0.4, 0.65, signals=(signal,)))
    assert d.escalate and d.rule == "unresolved_followup" and d.severity == "medium"
    assert "unresolved" in d.reason


def test_a_calm_follow_up_is_not_handed_over(policy: EscalationPolicy) -> None:
    # "Just checking on my order from last week" -- the cue without the upset.
    d = decide(policy, reading(-0.1, 0.3, signals=("elapsed_time_complaint",)))
    assert not d.escalate and d.rule is None


def test_a_follow_up_that_does_not_read_negative_is_not_handed_over(
    policy: EscalationPolicy,
) -> None:
    d = decide(policy, reading(0.1, 0.65, signals=("repeat_contact",), label="neutral"))
    assert not d.escalate


def test_upset_without_a_follow_up_cue_is_only_watched(policy: EscalationPolicy) -> None:
    d = decide(policy, reading(-0.5, 0.65))
    assert not d.escalate and d.rule == "elevated_frustration" and d.severity == "low"


def test_a_customer_who_keeps_coming_back_worse_off_is_handed_over_sooner(
    policy: EscalationPolicy,
) -> None:
    history = CustomerHistory(recent_conversations=4, worsening_arc=True)
    d = decide(policy, reading(-0.5, 0.65), customer_history=history)
    assert d.escalate and d.rule == "elevated_frustration" and d.severity == "medium"
    assert "4 conversations" in d.reason
    calm = decide(policy, reading(0.0, 0.2), customer_history=history)
    assert not calm.escalate
