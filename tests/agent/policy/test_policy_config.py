"""Policy files: the shipped default, custom files that change decisions, bad files that fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.policy.config import PolicyConfig, PolicyError
from agent.policy.decision import PolicyInput
from agent.policy.escalation import load_policy
from agent.sentiment.reading import ConversationSentiment, SentimentReading


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def frustrated_turn(frustration: float) -> PolicyInput:
    return PolicyInput(
        reading=SentimentReading(-0.4, "negative", frustration, 0.2, 0.9),
        conversation=ConversationSentiment(scores=[-0.4], turns=1),
        retrieval_confidence=0.9,
        answerable=True,
        ungrounded_streak=0,
    )


def test_shipped_default_has_the_documented_thresholds() -> None:
    policy = load_policy(None)
    rules = policy.config.rules
    assert policy.version == "tideline-default@2"
    assert rules.critical_frustration.threshold == 0.9
    assert rules.frustration.threshold == 0.75
    assert rules.sustained_negative.score_at_most == -0.6
    assert rules.sustained_negative.messages == 2
    assert rules.bot_cannot_help.ungrounded_turns == 2
    assert rules.repeat_contact.min_conversations == 3
    assert rules.repeat_contact.window_days == 14
    assert policy.trend_window == 4


def test_a_minimal_custom_file_overrides_one_threshold_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "version: 7\nname: strict\nrules:\n  frustration:\n    threshold: 0.6\n",
    )
    policy = load_policy(path)
    assert policy.version == "strict@7"
    assert policy.config.rules.critical_frustration.threshold == 0.9
    decision = policy.evaluate(frustrated_turn(0.65))
    assert decision.escalate and decision.policy_version == "strict@7"
    assert not load_policy(None).evaluate(frustrated_turn(0.65)).escalate


def test_a_disabled_rule_does_not_fire(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "version: 1\nname: calm\nrules:\n  frustration: {enabled: false}\n",
    )
    assert not load_policy(path).evaluate(frustrated_turn(0.8)).escalate


def test_a_low_severity_rule_is_recorded_without_escalating(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "version: 1\nname: watch\nrules:\n  frustration: {severity: low}\n",
    )
    decision = load_policy(path).evaluate(frustrated_turn(0.8))
    assert not decision.escalate
    assert decision.rule == "frustration" and decision.severity == "low"
    assert "recorded only" in decision.reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "version: 1\nname: x\nrules:\n  frustration:\n    threshold: high\n",
            "policy.yaml: rules.frustration.threshold: expected a number, got 'high'",
        ),
        (
            "version: 1\nname: x\nrules:\n  frustration:\n    threshold: 1.5\n",
            "policy.yaml: rules.frustration.threshold: must be between 0 and 1",
        ),
        (
            "version: 1\nname: x\nrules:\n  frustration:\n    treshold: 0.8\n",
            "policy.yaml: rules.frustration.treshold: unknown key; "
            "expected one of: enabled, threshold, severity",
        ),
        (
            "version: 1\nname: x\nrules:\n  frustation: {threshold: 0.8}\n",
            "policy.yaml: rules.frustation: unknown key",
        ),
        (
            "version: 1\nname: x\nrules:\n  sensitive_topic:\n    signals:\n"
            "      legal_thret: {severity: high}\n",
            "policy.yaml: rules.sensitive_topic.signals.legal_thret: unknown signal 'legal_thret'",
        ),
        (
            "version: 1\nname: x\nrules:\n  frustration: {severity: urgent}\n",
            "policy.yaml: rules.frustration.severity: must be one of",
        ),
        (
            "version: 1\nname: x\nrules:\n  explicit_request: {enabled: false}\n",
            "policy.yaml: rules.explicit_request.enabled: cannot be false",
        ),
        (
            "version: 1\nname: x\nrules:\n  bot_cannot_help: {ungrounded_turns: 0}\n",
            "policy.yaml: rules.bot_cannot_help.ungrounded_turns: must be 1 or more",
        ),
        ("name: x\n", "policy.yaml: version: required, but missing"),
        ("version: 1\nname: x\nrules: [1, 2\n", "policy.yaml: not valid YAML at line"),
        ("", "policy.yaml: the file is empty"),
        ("- a\n- b\n", "policy.yaml: expected a mapping of settings"),
    ],
    ids=[
        "bad-type",
        "out-of-range",
        "unknown-key",
        "misspelt-rule",
        "unknown-signal",
        "bad-severity",
        "explicit-request-disabled",
        "zero-turns",
        "missing-version",
        "not-yaml",
        "empty",
        "not-a-mapping",
    ],
)
def test_malformed_policy_files_name_the_file_and_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(str(path.parent) + "/")
    assert message in str(caught.value)


def test_a_missing_policy_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"nope\.yaml: no such policy file"):
        load_policy(tmp_path / "nope.yaml")


def test_the_shipped_file_states_exactly_the_built_in_defaults() -> None:
    # The YAML is the documentation of the defaults: it must not drift from the schema's values.
    shipped = load_policy(None).config
    assert shipped == PolicyConfig(
        version=2, name="tideline-default", description=shipped.description
    )
