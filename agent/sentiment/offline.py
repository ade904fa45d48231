"""The offline analyzer: cues plus the shipped learned reader, no network and no key.

The reader's heads read hashed n-grams and cue indicators, and, when a sentence encoder is injected
(``agent.message_vectors.MessageEncoder``; the server passes the MiniLM that retrieval uses), the
message's sentence vector too. Score and label come from the model's class probabilities; the
cues then correct what a model trained on word statistics reads wrongly in support language:
sarcasm turns its positive words around, a hedge ("I guess it works") is mild dissatisfaction, not
praise. Frustration and urgency combine the model's negativity and anger with the cues as
independent pieces of evidence (``1 - Π(1 - wᵢ)``), so each added cue raises them and none alone
reaches certainty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agent.message_vectors import MessageEncoder
from agent.sentiment.cues import detect
from agent.sentiment.features import featurize, looks_foreign
from agent.sentiment.model import SentimentModel
from agent.sentiment.reading import Label, SentimentReading

DEFAULT_MODEL_PATH = Path(__file__).parent / "model" / "sentiment.npz"

# How much each cue alone raises frustration. A calm customer asking for a person stays below the
# policy's medium threshold (0.75) on this cue alone; the explicit-request rule escalates anyway.
# A calm cancellation request (``cancellation_request``) is a how-to and adds nothing.
FRUSTRATION_CUES = {
    "explicit_human_request": 0.55,
    "repeat_contact": 0.5,
    "elapsed_time_complaint": 0.45,
    "all_caps": 0.5,
    "profanity": 0.5,
    "sarcasm_suspected": 0.35,
    "threat_to_cancel": 0.45,
    "chargeback_threat": 0.5,
    "legal_threat": 0.55,
    "safety_concern": 0.25,
    "hedged_dissatisfaction": 0.05,
    "exasperation": 0.45,
}
# A request for a person with no other cue of anger ("could I talk to someone please?") is a
# preference, not exasperation: it weighs this much instead of the full weight above.
CALM_HUMAN_REQUEST_WEIGHT = 0.2
_ANGER_CUES = frozenset(FRUSTRATION_CUES) - {"explicit_human_request", "hedged_dissatisfaction"}
# A wait of a week or more weighs more than "since this morning".
LONG_WAIT_WEIGHT = 0.6
_LONG_WAIT = re.compile(
    r"\b(?:weeks?|months?|fortnight|(?:[7-9]|\d{2,}|seven|eight|nine|ten|eleven|twelve|fourteen"
    r"|fifteen|twenty|thirty)\s+(?:business\s+|working\s+)?days)\b",
    re.IGNORECASE,
)
# A wait that began only yesterday or this morning is a concern, not yet a grievance.
SHORT_WAIT_WEIGHT = 0.25
_SHORT_WAIT = re.compile(
    r"\bsince\s+(?:yesterday|this morning|last night|earlier|lunch|breakfast)\b", re.IGNORECASE
)
# Negativity alone ("the item arrived broken") makes a customer annoyed, not furious.
NEGATIVITY_SHARE = 0.8
GRATITUDE_DAMPING = 0.8

URGENCY_CUES = {
    "safety_concern": 0.8,
    "legal_threat": 0.5,
    "chargeback_threat": 0.5,
    "threat_to_cancel": 0.35,
    "elapsed_time_complaint": 0.35,
    "explicit_human_request": 0.3,
    "all_caps": 0.2,
}
_URGENT_WORDS = re.compile(
    r"\b(?:urgent\w*|asap|as soon as possible|immediately|right now|right away|emergency|critical"
    r"|deadline|today|tonight|by tomorrow|time[- ]sensitive|locked out|can't (?:log ?in|access|work"
    r"|pay)|cannot (?:log ?in|access|work|pay)|outage|(?:is|are|went|gone) down|not working at all"
    r"|whole team|production)\b",
    re.IGNORECASE,
)
URGENT_WORDS_WEIGHT = 0.45


def _noisy_or(base: float, weights: Sequence[float]) -> float:
    remaining = 1.0 - base
    for weight in weights:
        remaining *= 1.0 - weight
    return 1.0 - remaining


class OfflineAnalyzer:
    """Reads customer messages with the cues and the trained heads, in Python and NumPy.

    With an ``encoder`` whose name matches the one the model's joint heads were trained on, every
    message is read with its sentence vector; without one (or with a model that has only plain
    heads) the plain heads read the n-grams and cues alone.
    """

    name = "offline"

    def __init__(self, model: SentimentModel, encoder: MessageEncoder | None = None) -> None:
        if encoder is not None and model.encoder is not None and encoder.name != model.encoder:
            raise ValueError(
                f"the reader was trained on {model.encoder} vectors, not {encoder.name}'s"
            )
        self.model = model
        self.encoder = encoder if model.encoder is not None else None

    @classmethod
    def load(
        cls, path: Path | None = None, *, encoder: MessageEncoder | None = None
    ) -> OfflineAnalyzer:
        """The analyzer with the model at ``path``, or the shipped model."""
        return cls(SentimentModel.load(path or DEFAULT_MODEL_PATH), encoder)

    @property
    def reads_vectors(self) -> bool:
        return self.encoder is not None

    def analyze(self, text: str, context: list[str] | None = None) -> SentimentReading:
        vector = self.encoder.encode([text])[0] if self.encoder is not None else None
        return self._read(text, context, vector)

    def analyze_batch(self, texts: Sequence[str]) -> list[SentimentReading]:
        if self.encoder is None:
            return [self._read(text, None, None) for text in texts]
        vectors = self.encoder.encode(list(texts))
        return [self._read(t, None, v) for t, v in zip(texts, vectors, strict=True)]

    def _read(
        self, text: str, context: list[str] | None, vector: np.ndarray | None
    ) -> SentimentReading:
        signals = detect(text, context)
        features = featurize(text, signals)
        model = self.model
        joint = vector is not None and model.joint_sentiment is not None
        sentiment_head = model.joint_sentiment if joint else model.sentiment
        emotion_head = model.joint_emotion if joint else model.emotion
        assert sentiment_head is not None
        neg, neu, pos = (float(p) for p in sentiment_head.probabilities(features, vector))
        anger = emotion_head.probability_of(features, "anger", vector) if emotion_head else neg

        if "sarcasm_suspected" in signals and pos > neg:
            # The positive words of sarcasm mean the opposite.
            neg, pos = pos, neg
        score = pos - neg
        confidence = max(neg, neu, pos)
        label = _label(neg, neu, pos)
        if "hedged_dissatisfaction" in signals and not _strongly_negative(signals):
            # "I guess it works" is faint praise: mildly negative whatever its words say.
            score, label = min(max(score, -0.45), -0.15), "negative"
        foreign = looks_foreign(features)
        if foreign:
            # English-trained weights read other languages poorly: speak softly.
            score *= 0.5
            confidence *= 0.6

        if "hedged_dissatisfaction" in signals and not _strongly_negative(signals):
            neg = min(neg, -score)
        waited = "elapsed_time_complaint" in signals
        long_wait = waited and _LONG_WAIT.search(text[:4000]) is not None
        short_wait = waited and not long_wait and _SHORT_WAIT.search(text[:4000]) is not None
        frustration = self._frustration(
            signals, neg, anger, long_wait=long_wait, short_wait=short_wait
        )
        urgency = _noisy_or(
            0.3 * frustration,
            [URGENCY_CUES[s] for s in signals if s in URGENCY_CUES]
            + ([URGENT_WORDS_WEIGHT] if _URGENT_WORDS.search(text[:4000]) else []),
        )
        return SentimentReading(
            score=round(max(-1.0, min(1.0, score)), 4),
            label=label,
            frustration=round(frustration, 4),
            urgency=round(min(1.0, urgency), 4),
            confidence=round(confidence, 4),
            signals=signals,
            analyzer=self.name,
        )

    @staticmethod
    def _frustration(
        signals: Sequence[str],
        negative: float,
        anger: float,
        *,
        long_wait: bool = False,
        short_wait: bool = False,
    ) -> float:
        # Anger sharpens negativity: "it arrived broken" is sad, "you people are a joke" angry.
        base = NEGATIVITY_SHARE * negative * (0.7 + 0.3 * anger)
        calm_request = not _ANGER_CUES.intersection(signals)
        wait_weight = (
            LONG_WAIT_WEIGHT
            if long_wait
            else SHORT_WAIT_WEIGHT
            if short_wait
            else FRUSTRATION_CUES["elapsed_time_complaint"]
        )
        weights = [
            wait_weight
            if s == "elapsed_time_complaint"
            else CALM_HUMAN_REQUEST_WEIGHT
            if s == "explicit_human_request" and calm_request
            else FRUSTRATION_CUES[s]
            for s in signals
            if s in FRUSTRATION_CUES
        ]
        value = _noisy_or(base, weights)
        if "gratitude" in signals:
            value *= GRATITUDE_DAMPING
        return max(0.0, min(1.0, value))


def _strongly_negative(signals: Sequence[str]) -> bool:
    return any(s in signals for s in ("profanity", "all_caps", "legal_threat", "threat_to_cancel"))


def _label(neg: float, neu: float, pos: float) -> Label:
    if neg >= neu and neg >= pos:
        return "negative"
    return "positive" if pos > neu else "neutral"
