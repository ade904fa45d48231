"""The escalation policy file: its schema, its shipped defaults and a loader with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from agent.policy.decision import Severity, severity_rank
from agent.sentiment.reading import KNOWN_SIGNALS

M = TypeVar("M", bound=BaseModel)

DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.yaml")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field."""


def _unit(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError("must be between 0 and 1")
    return value


def _score(value: float) -> float:
    if not -1.0 <= value <= 1.0:
        raise ValueError("must be between -1 and 1")
    return value


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _steps(value: int) -> int:
    if not 0 <= value <= 4:
        raise ValueError("must be between 0 and 4")
    return value


def _known_signal(value: str) -> str:
    if value not in KNOWN_SIGNALS:
        raise ValueError(f"unknown signal {value!r} (known: {', '.join(KNOWN_SIGNALS)})")
    return value


Unit = Annotated[float, AfterValidator(_unit)]
Score = Annotated[float, AfterValidator(_score)]
Count = Annotated[int, AfterValidator(_positive)]
Weight = Annotated[float, AfterValidator(_non_negative)]
SignalName = Annotated[str, AfterValidator(_known_signal)]


class _Section(BaseModel):
    # Strict and closed: a string where a number belongs, or a misspelt key, is an error, never a
    # silent fall-back to the default.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ExplicitRequestRule(_Section):
    enabled: bool = True
    severity: Severity = "high"

    @field_validator("enabled")
    @classmethod
    def _always_honoured(cls, enabled: bool) -> bool:
        if not enabled:
            raise ValueError(
                "cannot be false: a customer who asks for a person is always handed over"
            )
        return enabled


class ThresholdRule(_Section):
    enabled: bool = True
    threshold: Unit
    severity: Severity


class CriticalFrustrationRule(ThresholdRule):
    threshold: Unit = 0.9
    severity: Severity = "critical"


class FrustrationRule(ThresholdRule):
    threshold: Unit = 0.75
    severity: Severity = "medium"


class ElevatedFrustrationRule(ThresholdRule):
    threshold: Unit = 0.6
    severity: Severity = "low"


def _default_followup_signals() -> list[str]:
    return ["repeat_contact", "elapsed_time_complaint"]


class UnresolvedFollowupRule(_Section):
    enabled: bool = True
    signals: list[SignalName] = Field(default_factory=_default_followup_signals)
    frustration_at_least: Unit = 0.6
    require_negative: bool = True
    severity: Severity = "medium"


class SustainedNegativeRule(_Section):
    enabled: bool = True
    score_at_most: Score = -0.6
    messages: Count = 2
    require_declining: bool = True
    severity: Severity = "high"


class BotCannotHelpRule(_Section):
    enabled: bool = True
    ungrounded_turns: Count = 2
    severity: Severity = "medium"
    # A closing "found it, thanks" needs no answer from the help centre: do not count it as a miss.
    ignore_satisfied: bool = True
    satisfied_score_at_least: Score = 0.3


class SensitiveSignal(_Section):
    severity: Severity = "high"
    only_when_negative: bool = False


def _default_sensitive_signals() -> dict[str, SensitiveSignal]:
    return {
        "legal_threat": SensitiveSignal(),
        "chargeback_threat": SensitiveSignal(),
        "safety_concern": SensitiveSignal(),
        "threat_to_cancel": SensitiveSignal(only_when_negative=True),
    }


class SensitiveTopicRule(_Section):
    enabled: bool = True
    signals: dict[SignalName, SensitiveSignal] = Field(default_factory=_default_sensitive_signals)
    # What "negative" means for signals marked only_when_negative.
    negative_frustration: Unit = 0.5


class RepeatContactRule(_Section):
    enabled: bool = True
    min_conversations: Count = 3
    window_days: Count = 14
    require_worsening_arc: bool = True
    raise_steps: Annotated[int, AfterValidator(_steps)] = 1


class Rules(_Section):
    explicit_request: ExplicitRequestRule = Field(default_factory=ExplicitRequestRule)
    critical_frustration: CriticalFrustrationRule = Field(default_factory=CriticalFrustrationRule)
    sustained_negative: SustainedNegativeRule = Field(default_factory=SustainedNegativeRule)
    frustration: FrustrationRule = Field(default_factory=FrustrationRule)
    unresolved_followup: UnresolvedFollowupRule = Field(default_factory=UnresolvedFollowupRule)
    elevated_frustration: ElevatedFrustrationRule = Field(default_factory=ElevatedFrustrationRule)
    bot_cannot_help: BotCannotHelpRule = Field(default_factory=BotCannotHelpRule)
    sensitive_topic: SensitiveTopicRule = Field(default_factory=SensitiveTopicRule)
    repeat_contact: RepeatContactRule = Field(default_factory=RepeatContactRule)


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
    queued_retrigger_raise_steps: Annotated[int, AfterValidator(_steps)] = 1


def _default_signal_weights() -> dict[str, float]:
    return {
        "explicit_human_request": 4.0,
        "legal_threat": 3.5,
        "chargeback_threat": 3.5,
        "safety_concern": 3.5,
        "threat_to_cancel": 1.5,
        "profanity": 1.0,
        "repeat_contact": 0.7,
        "elapsed_time_complaint": 0.7,
        "all_caps": 0.5,
        "hedged_dissatisfaction": 0.3,
    }


class RiskWeights(_Section):
    """Weights of the logistic risk score; every weight is >= 0 so risk only rises with trouble."""

    bias: float = -4.0
    frustration: Weight = 5.5
    negative_score: Weight = 1.0
    declining_slope: Weight = 1.2
    consecutive_negative: Weight = 0.8
    ungrounded: Weight = 4.5
    urgency: Weight = 0.5
    repeat_customer: Weight = 0.7
    signals: dict[SignalName, Weight] = Field(default_factory=_default_signal_weights)


class PolicyConfig(_Section):
    version: int | str
    name: str = Field(min_length=1)
    description: str = ""
    escalate_at: Severity = "medium"
    trend: TrendSettings = Field(default_factory=TrendSettings)
    sarcasm: SarcasmGuard = Field(default_factory=SarcasmGuard)
    ownership: OwnershipSettings = Field(default_factory=OwnershipSettings)
    rules: Rules = Field(default_factory=Rules)
    risk: RiskWeights = Field(default_factory=RiskWeights)

    @model_validator(mode="after")
    def _explicit_request_escalates(self) -> PolicyConfig:
        if self.escalate_at == "none":
            raise ValueError("escalate_at: must be low, medium, high or critical")
        if severity_rank(self.rules.explicit_request.severity) < severity_rank(self.escalate_at):
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
