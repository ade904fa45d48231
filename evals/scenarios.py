"""Conversation scenarios: their YAML format, validation and loading from files and folders."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from agent.policy.config import Rules

SCENARIO_DIR = Path(__file__).parent / "scenarios"

# The rule ids the policy can decide with (repeat_contact only raises severity); taken from the
# policy schema so a new rule is known here at once, and a misspelt rule in a scenario is refused.
RULE_IDS = tuple(name for name in Rules.model_fields if name != "repeat_contact")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the field."""


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _turn_number(value: int) -> int:
    if value < 1:
        raise ValueError("turns are numbered from 1")
    return value


def _rule_id(value: str) -> str:
    if value not in RULE_IDS:
        raise ValueError(f"unknown rule {value!r} (known: {', '.join(RULE_IDS)})")
    return value


Text = Annotated[str, AfterValidator(_non_blank)]
TurnNumber = Annotated[int, AfterValidator(_turn_number)]
RuleId = Annotated[str, AfterValidator(_rule_id)]


class _Section(BaseModel):
    # Closed: a misspelt expectation ("erliest_turn") is an error, never a skipped check.
    model_config = ConfigDict(extra="forbid", frozen=True)


class EscalationExpectation(_Section):
    """Whether a person should take this conversation, how firmly, and when."""

    should: bool
    must: bool = False  # a case that may never be missed (counted in recall on `must`)
    earliest_turn: TurnNumber | None = None
    latest_turn: TurnNumber | None = None
    rules: tuple[RuleId, ...] = ()  # acceptable deciding rules; empty = any

    @model_validator(mode="after")
    def _consistent(self) -> EscalationExpectation:
        if self.must and not self.should:
            raise ValueError("must: true needs should: true")
        timing = self.earliest_turn, self.latest_turn, self.rules
        if not self.should and any(timing):
            raise ValueError("earliest_turn, latest_turn and rules only apply when should is true")
        if self.earliest_turn and self.latest_turn and self.earliest_turn > self.latest_turn:
            raise ValueError("earliest_turn must not be after latest_turn")
        return self


class RetrievalExpectation(_Section):
    """The articles that answer a customer turn, expected among the top ``k`` passages."""

    turn: TurnNumber
    gold: tuple[Text, ...] = Field(min_length=1)
    k: int = Field(default=3, ge=1, le=10)


class FactExpectation(_Section):
    """Facts the bot's reply to ``turn`` must communicate; a list item is a set of alternatives."""

    turn: TurnNumber
    contains: tuple[Text | tuple[Text, ...], ...] = Field(min_length=1)


class ToneExpectation(_Section):
    acknowledge_once: bool = False  # frustrated customer: the problem is acknowledged, once
    no_boilerplate: bool = True
    max_chars: int | None = Field(default=1200, ge=20)


class Expectations(_Section):
    escalation: EscalationExpectation
    retrieval: tuple[RetrievalExpectation, ...] = ()
    facts: tuple[FactExpectation, ...] = ()
    tone: ToneExpectation = Field(default_factory=ToneExpectation)
    summary_contains: tuple[Text | tuple[Text, ...], ...] = ()
    reply_must_not_contain: tuple[Text, ...] = ()


class CustomerHistorySpec(_Section):
    recent_conversations: int = Field(default=0, ge=0)
    worsening_arc: bool = False


class Scenario(_Section):
    """One scripted conversation and how a support lead would judge the bot's handling of it."""

    id: Text
    description: str = ""
    tags: tuple[Text, ...] = Field(min_length=1)
    weight: float = Field(
        gt=0, description="Share of ordinary traffic this conversation stands for."
    )
    persona: Text
    turns: tuple[Text, ...] = Field(min_length=1)
    max_turns: int | None = Field(default=None, ge=1, le=12)  # simulated-customer mode
    customer_history: CustomerHistorySpec | None = None
    expect: Expectations
    source: str = ""  # the file it came from, for messages

    @model_validator(mode="after")
    def _turns_exist(self) -> Scenario:
        n = len(self.turns)
        esc = self.expect.escalation
        checks: list[tuple[str, int | None]] = [
            ("expect.escalation.earliest_turn", esc.earliest_turn),
            ("expect.escalation.latest_turn", esc.latest_turn),
        ]
        checks += [
            (f"expect.retrieval[{i}].turn", r.turn) for i, r in enumerate(self.expect.retrieval)
        ]
        checks += [(f"expect.facts[{i}].turn", f.turn) for i, f in enumerate(self.expect.facts)]
        for field, turn in checks:
            if turn is not None and turn > n:
                raise ValueError(f"{field}: turn {turn} but the scenario has {n} turn(s)")
        return self

    @property
    def escalation(self) -> EscalationExpectation:
        return self.expect.escalation


def parse_scenario(data: Any, *, source: str) -> Scenario:
    """Validate one scenario mapping; errors read ``<source>: <field>: <problem>``."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected a mapping with id, tags, weight, turns, expect")
    try:
        return Scenario.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ScenarioError(f"{source}: {_describe(exc)}") from None


def read_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the scenario ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: not valid YAML{where}") from None
    if data is None:
        raise ScenarioError(f"{path}: the file is empty")
    return parse_scenario(data, source=str(path))


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, or found (sorted) inside the folders named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise ScenarioError(f"{path}: no scenario files (*.yaml) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ScenarioError(f"{path}: no such file or folder")
    return files


def load_scenarios(
    paths: Iterable[Path] | None = None, *, known_doc_ids: set[str] | None = None
) -> list[Scenario]:
    """Load and validate a suite (the shipped one when ``paths`` is None).

    With ``known_doc_ids`` every gold doc id is checked against the knowledge base, so a renamed
    article fails loudly instead of turning into a retrieval miss.
    """
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for path in scenario_files([SCENARIO_DIR] if paths is None else paths):
        scenario = read_scenario(path)
        if scenario.id in seen:
            raise ScenarioError(
                f"{path}: id: {scenario.id!r} is already used by {seen[scenario.id]}"
            )
        seen[scenario.id] = str(path)
        if known_doc_ids is not None:
            for i, check in enumerate(scenario.expect.retrieval):
                unknown = [d for d in check.gold if d not in known_doc_ids]
                if unknown:
                    raise ScenarioError(
                        f"{path}: expect.retrieval[{i}].gold: unknown doc id {unknown[0]!r}"
                    )
        scenarios.append(scenario)
    return scenarios


def _describe(exc: ValidationError) -> str:
    # A misspelt key also makes the real one "missing": name the typo first, it is the cause.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = ".".join(
        f"[{part}]" if isinstance(part, int) else str(part)
        for part in first["loc"]
        if not (isinstance(part, str) and part.startswith(("function-", "tuple[")))
    ).replace(".[", "[")
    kind, value = first["type"], first.get("input")
    if kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "missing":
        message = "required, but missing"
    elif kind == "value_error":
        message = str(first["ctx"]["error"])
    else:
        message = f"{first['msg']} (got {value!r})"
    more = len(errors) - 1
    text = f"{loc}: {message}" if loc else message
    return text + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
