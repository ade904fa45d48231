"""The outreach policy file: rules in the form support leads write, tiers, timing, and a loader."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.policy.config import parse_yaml_model

DEFAULT_OUTREACH_POLICY_PATH = Path(__file__).with_name("default_outreach_policy.yaml")

Tier = Literal[
    "tag_and_prioritise", "draft_checkin", "alert_account_manager", "recommend_retention"
]
# Ordered by the cost of being wrong; only the first is carried out without a person.
TIERS: tuple[Tier, ...] = (
    "tag_and_prioritise",
    "draft_checkin",
    "alert_account_manager",
    "recommend_retention",
)
AUTOMATIC_TIERS = frozenset({"tag_and_prioritise"})
Condition = Literal[
    "declining",
    "negative",
    "repeat_contacts",
    "unresolved",
    "channel_switch",
    "silence",
    "usage_falling",
    "renewal_approaching",
]


class OutreachPolicyError(ValueError):
    """An outreach policy that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactWindow(_Strict):
    """Reach out this many hours after the customer's last frustrated contact."""

    after_hours: int = Field(48, ge=0)
    before_hours: int = Field(72, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> ContactWindow:
        if self.before_hours <= self.after_hours:
            raise ValueError("contact_window: before_hours must be later than after_hours")
        return self


class OutreachRule(_Strict):
    """If a customer in SEGMENT shows SHOWS across CONTACTS contacts in DAYS days and WHEN, do ACTION."""

    name: str = Field(min_length=1)
    segment: list[str] = Field(default_factory=lambda: ["any"])
    shows: Literal["declining", "negative", "declining_or_negative", "anything"] = "anything"
    contacts: int = Field(1, ge=1)
    days: int = Field(60, ge=1)
    when: list[Condition] = Field(default_factory=list)
    match: Literal["all", "any"] = "all"
    unless: list[Condition] = Field(default_factory=list)
    action: Tier
    severity: Literal["low", "medium", "high"] = "medium"
    contact_window: ContactWindow = Field(
        default_factory=lambda: ContactWindow(after_hours=48, before_hours=72)
    )


class OutreachPolicy(_Strict):
    version: Literal[1]
    name: str = Field(min_length=1)
    rules: list[OutreachRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> OutreachPolicy:
        names = [r.name for r in self.rules]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"rules: the rule name {name!r} is used twice")
        return self


def parse_outreach_policy(text: str, *, source: str) -> OutreachPolicy:
    """Parse and validate outreach policy YAML; ``source`` names the file in error messages."""
    return parse_yaml_model(text, OutreachPolicy, source=source, error=OutreachPolicyError)


def read_outreach_policy(path: Path | None = None) -> OutreachPolicy:
    """Read a policy file (the shipped default when ``path`` is None)."""
    path = DEFAULT_OUTREACH_POLICY_PATH if path is None else Path(path)
    if not path.is_file():
        raise OutreachPolicyError(f"{path}: no such outreach policy file")
    return parse_outreach_policy(path.read_text(encoding="utf-8"), source=str(path))
