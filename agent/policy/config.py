"""The escalation policy file: its schema, its shipped defaults and a loader with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

from agent.policy.decision import Severity, severity_rank
from agent.policy.fields import Score, Section, Steps
from agent.policy.rules.registry import registered

M = TypeVar("M", bound=BaseModel)

DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.yaml")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field."""


_Section = Section

# One section per registered rule (agent/policy/rules/), in precedence order, each with its defaults.
if TYPE_CHECKING:
    Rules = Section
else:
    Rules = create_model(
        "Rules",
        __base__=Section,
        __doc__="The rules' sections of the policy file.",
        **{spec.id: (spec.settings, Field(default_factory=spec.settings)) for spec in registered()},
    )


class SarcasmGuard(_Section):
    enabled: bool = True
    # The previous customer message counts as negative at or below this score.
    prior_score_at_most: Score = -0.2


def _window(value: int) -> int:
    if value < 2:
        raise ValueError("must be 2 or more: a trend needs at least two messages")
    return value


def _slope(value: float) -> float:
    if not 0.0 < value <= 1.0:
        raise ValueError("must be above 0 and at most 1")
    return value


class TrendSettings(_Section):
    window: Annotated[int, AfterValidator(_window)] = 4
    slope_threshold: Annotated[float, AfterValidator(_slope)] = 0.1


class OwnershipSettings(_Section):
    queued_retrigger_raise_steps: Steps = 1


# The hand-set weights of the first risk formula; the risk is a fitted model now.
_RETIRED_RISK_KEYS = (
    "bias",
    "frustration",
    "negative_score",
    "declining_slope",
    "consecutive_negative",
    "ungrounded",
    "urgency",
    "repeat_customer",
    "signals",
)


class RiskSettings(_Section):
    """Which fitted risk model scores the conversation (agent/risk/, docs/policy.md)."""

    # A model file written by `python -m agent.risk.refit --output FILE`, relative to the policy
    # file's folder when not absolute; null: the shipped model.
    model: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_hand_weights(cls, data: Any) -> Any:
        if isinstance(data, dict):
            retired = [k for k in _RETIRED_RISK_KEYS if k in data]
            if retired:
                raise ValueError(
                    f"{retired[0]}: the risk is a fitted model now, not hand-set weights "
                    "(docs/policy.md); remove this key, or refit the model with "
                    "python -m agent.risk.refit"
                )
        return data


class PolicyConfig(_Section):
    version: int | str
    name: str = Field(min_length=1)
    description: str = ""
    escalate_at: Severity = "medium"
    trend: TrendSettings = Field(default_factory=TrendSettings)
    sarcasm: SarcasmGuard = Field(default_factory=SarcasmGuard)
    ownership: OwnershipSettings = Field(default_factory=OwnershipSettings)
    rules: Rules = Field(default_factory=Rules)
    risk: RiskSettings = Field(default_factory=RiskSettings)

    def rule(self, rule_id: str) -> Any:
        """The settings section of the registered rule ``rule_id``."""
        return getattr(self.rules, rule_id)

    @model_validator(mode="after")
    def _explicit_request_escalates(self) -> PolicyConfig:
        if self.escalate_at == "none":
            raise ValueError("escalate_at: must be low, medium, high or critical")
        if severity_rank(self.rule("explicit_request").severity) < severity_rank(self.escalate_at):
            raise ValueError(
                "rules.explicit_request.severity: must be at least escalate_at "
                f"({self.escalate_at}): a request for a person is always honoured"
            )
        return self


def parse_policy(text: str, *, source: str) -> PolicyConfig:
    """Parse and validate policy YAML; ``source`` names the file in error messages."""
    return parse_yaml_model(text, PolicyConfig, source=source, error=PolicyError)


def parse_yaml_model(text: str, model: type[M], *, source: str, error: type[ValueError]) -> M:
    """Parse YAML into ``model``; any problem raises ``error`` naming the file and the field.

    The escalation policy and the outreach policy are both read this way, so a support lead gets
    the same kind of message from either file.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "parse error"
        raise error(f"{source}: not valid YAML{where}: {problem}") from None
    if data is None:
        raise error(f"{source}: the file is empty; it needs at least 'version' and 'name'")
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{source}: {_describe(exc, model)}") from None


def read_policy_config(path: Path | None = None) -> PolicyConfig:
    """Read a policy file (the shipped default when ``path`` is None)."""
    path = DEFAULT_POLICY_PATH if path is None else Path(path)
    source = str(path)
    if not path.is_file():
        raise PolicyError(f"{source}: no such policy file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{source}: cannot read the policy file ({exc})") from None
    return parse_policy(text, source=source)


def _describe(exc: ValidationError, model: type[BaseModel]) -> str:
    """The first problem as 'dotted.field: what is wrong' (and a count of the others)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    # Pydantic marks a bad mapping key with a "[key]" step; the key itself already names it.
    loc = [str(part) for part in first["loc"] if part != "[key]"]
    message = _message(first, loc, model)
    field = ".".join(loc)
    # A model-level validator reports without a location and names the field itself.
    text = f"{field}: {message}" if field else message
    more = len(errors) - 1
    return text + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


def _message(error: Any, loc: list[str], model: type[BaseModel]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], model)
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown key{hint}"
    if kind == "missing":
        return "required, but missing"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}:
        return f"expected a number, got {value!r}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {value!r}"
    if kind in {"string_type", "string_too_short"}:
        return f"expected a non-empty text, got {value!r}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping, got {value!r}"
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}, got {value!r}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(error["msg"])


def _allowed_keys(loc: list[str], model: type[BaseModel]) -> list[str]:
    """The keys the section at ``loc`` accepts, to suggest the right spelling of an unknown one."""
    index = 0
    while index < len(loc):
        field = model.model_fields.get(loc[index])
        if field is None:
            return []
        annotation = field.annotation
        if get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
            index += 1  # the next part is a key or an index, not a field
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
        index += 1
    return list(model.model_fields)
