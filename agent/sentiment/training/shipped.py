"""The shipped reader's build: GoEmotions (Apache-2.0) and Tideline's own support messages only.

Run by maintainers through ``python -m evals.reader build`` (evals/reader/__main__.py), which
supplies the MiniLM vectors; see agent/sentiment/model/MODEL_CARD.md. TweetEval and the airline
tweets are never trained on: they are kept for measurement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from agent.sentiment.model import SENTIMENT_CLASSES, SentimentModel
from agent.sentiment.training.data import (
    OWN_DATA_PATH,
    Example,
    fold_of,
    is_heldout,
    macro_recall,
    read_goemotions,
    read_labelled,
)
from agent.sentiment.training.fit import blend, design_matrix, fit_head

DOMAINS_DATA_PATH = OWN_DATA_PATH.with_name("support_domains.jsonl")
EMOTION_CLASSES = ("anger", "other")
Vectors = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class BuildSettings:
    """The build's choices (MODEL_CARD.md says how they were chosen)."""

    c: float = 1.0  # inverse penalty of the plain (n-gram) heads
    emotion_c: float = 0.5
    joint_c: float = 0.3  # inverse penalty of the joint (cue, shape and vector) heads
    vector_scale: float = 1.0  # the vector columns' scale against the cue columns
    # The plain heads' share of the joint heads' logits, chosen on the airline dev tweets and the
    # calm sets (0 reads more airline complaints as negative but more calm questions as very
    # negative; 0.5 the reverse).
    plain_share: float = 0.25
    own_weight: float = 5.0  # one own support message counts as this many GoEmotions comments
    # The share of GoEmotions' train split used, picked by a hash of the text (crc32 % 1000).
    goemotions_share: float = 0.301


def own_examples(split: str, weight: float) -> list[Example]:
    rows = read_labelled(OWN_DATA_PATH, split=split) + read_labelled(DOMAINS_DATA_PATH, split=split)
    return [replace(e, weight=weight) for e in rows]


def goemotions_examples(path: Path, share: float) -> list[Example]:
    # The same subsample on every run, chosen by a hash of the text.
    return [e for e in read_goemotions(path, split="train") if is_heldout(e.text, share)]


def fit_model(
    examples: Sequence[Example], vectors: Vectors, settings: BuildSettings, encoder: str
) -> SentimentModel:
    texts = [e.text for e in examples]
    plain = design_matrix(texts)
    joint = design_matrix(texts, vectors(texts), settings.vector_scale)
    dim = joint.shape[1] - plain.shape[1]
    metadata: dict[str, object] = {
        "encoder": encoder,
        "vector_dim": dim,
        "vector_scale": settings.vector_scale,
        "build": settings.__dict__,
    }
    sentiment = fit_head(plain, examples, SENTIMENT_CLASSES, c=settings.c)
    emotion = fit_head(plain, examples, EMOTION_CLASSES, c=settings.emotion_c)
    joint_sentiment = fit_head(
        joint,
        examples,
        SENTIMENT_CLASSES,
        c=settings.joint_c,
        dim=dim,
        scale=settings.vector_scale,
        skip_hashed=True,
    )
    joint_emotion = fit_head(
        joint,
        examples,
        EMOTION_CLASSES,
        c=settings.joint_c,
        dim=dim,
        scale=settings.vector_scale,
        skip_hashed=True,
    )
    # The shipped joint heads read the plain heads' n-grams too (their logits averaged).
    return SentimentModel(
        sentiment=sentiment,
        emotion=emotion,
        joint_sentiment=blend(sentiment, joint_sentiment, settings.plain_share),
        joint_emotion=blend(emotion, joint_emotion, settings.plain_share),
        metadata=metadata,
    )


def cross_validate(
    goemotions: Sequence[Example],
    own: Sequence[Example],
    vectors: Vectors,
    candidates: Sequence[BuildSettings],
    *,
    folds: int = 3,
) -> list[tuple[BuildSettings, float]]:
    """Each candidate's mean macro-recall (joint sentiment head) over folds of the own messages."""
    from agent.sentiment.offline import OfflineAnalyzer

    class _Cached:
        name = "cached"

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            return vectors(texts)

    out = []
    for settings in candidates:
        recalls = []
        for fold in range(folds):
            train = [
                replace(e, weight=settings.own_weight)
                for e in own
                if fold_of(e.text, folds) != fold
            ]
            test = [e for e in own if fold_of(e.text, folds) == fold]
            model = fit_model(list(goemotions) + train, vectors, settings, "cached")
            readings = OfflineAnalyzer(model, _Cached()).analyze_batch([e.text for e in test])
            recalls.append(macro_recall([e.label for e in test], [r.label for r in readings])[0])
        out.append((settings, float(np.mean(recalls))))
    return out


def build_shipped_model(
    goemotions_path: Path,
    vectors: Vectors,
    output: Path,
    *,
    encoder: str,
    settings: BuildSettings | None = None,
) -> SentimentModel:
    """Fit the shipped heads on GoEmotions (train split) and the own support messages (train)."""
    settings = settings or BuildSettings()
    examples = goemotions_examples(goemotions_path, settings.goemotions_share)
    examples += own_examples("train", settings.own_weight)
    model = fit_model(examples, vectors, settings, encoder)
    metadata = dict(model.metadata)
    metadata["trained_on"] = [
        "goemotions.jsonl split=train (Apache-2.0), mixed-emotion rows left out"
        + (f", rows with crc32 % 1000 < {settings.goemotions_share * 1000:.0f}"),
        "evals/data/support_sentiment.jsonl split=train",
        "evals/data/support_domains.jsonl split=train",
    ]
    model = replace(model, metadata=metadata)
    model.save(output)
    return model
