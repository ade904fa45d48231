"""The outreach policy loader's errors, and drafts written offline or by a model with fallback."""

# ruff: noqa: F811

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.llm import build_chat_model
from agent.outreach.drafts import DraftFacts, write_draft
from agent.outreach.policy import OutreachPolicyError, parse_outreach_policy, read_outreach_policy
from agent.settings import Settings
from tests.fakes.openai_server import (  # noqa: F401
    FakeOpenAIServer,
    ScriptedReply,
    _openai_server_process,
    openai_server,
)

RULE = """
version: 1
name: team
rules:
  - name: cooling
    shows: declining
    contacts: 3
    days: 30
    when: [unresolved]
    action: {action}
"""


def test_shipped_policy_loads_with_every_tier_in_order() -> None:
    policy = read_outreach_policy()
    assert {r.action for r in policy.rules} >= {
        "draft_checkin",
        "alert_account_manager",
        "recommend_retention",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RULE.format(action="send_voucher"), "rules.0.action"),
        (RULE.format(action="draft_checkin").replace("unresolved", "grumpy"), "rules.0.when.0"),
        (RULE.format(action="draft_checkin").replace("days: 30", "days: 0"), "rules.0.days"),
        (RULE.format(action="draft_checkin").replace("version: 1", "version: 7"), "version"),
        (RULE.format(action="draft_checkin") + "    colour: red\n", "rules.0.colour"),
        ("rules: [", "not valid YAML"),
    ],
)
def test_bad_policy_names_file_and_field(text: str, message: str) -> None:
    with pytest.raises(OutreachPolicyError, match=r"team\.yaml: .*" + re.escape(message)):
        parse_outreach_policy(text, source="team.yaml")


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(OutreachPolicyError, match="no such outreach policy file"):
        read_outreach_policy(tmp_path / "nope.yaml")


FACTS = DraftFacts(
    customer_name="Ana",
    issues=["the router drops every evening"],
    contacts=3,
    days=30,
    unresolved=2,
    next_step="Could we book a 15-minute call this week?",
    raised_money=False,
)


def model(server: FakeOpenAIServer):
    chat = build_chat_model(
        Settings(openai_base_url=server.base_url, chat_timeout_s=5.0, chat_max_retries=0)
    )
    assert chat is not None
    return chat


def test_offline_draft_names_the_issue_and_offers_one_step() -> None:
    draft = write_draft(FACTS, None)
    assert "the router drops every evening" in draft.body
    assert "15-minute call" in draft.body and draft.author == "offline"


def test_model_writes_the_draft_from_the_facts(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(
        ScriptedReply(
            text='{"subject": "Your evening drop-outs", "body": "Hi Ana, three contacts about the router '
            'dropping each evening is too many. Could we book a call this week?"}'
        )
    )
    draft = write_draft(FACTS, model(openai_server))
    assert draft.author == "model" and draft.subject == "Your evening drop-outs"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (ScriptedReply(failure="http_500"), "model failed"),
        (ScriptedReply(text="Sure! Here is a nice email."), "model failed"),
        (
            ScriptedReply(
                text='{"subject": "Sorry", "body": "We know you feel frustrated. Here is a 20% discount."}'
            ),
            "rejected",
        ),
    ],
)
def test_model_failure_or_unfit_draft_falls_back(
    openai_server: FakeOpenAIServer, reply: ScriptedReply, reason: str
) -> None:
    openai_server.enqueue(reply)
    draft = write_draft(FACTS, model(openai_server))
    assert draft.author == "offline" and reason in (draft.fallback_reason or "")
    assert "the router drops every evening" in draft.body
