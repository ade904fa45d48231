"""The trained linear heads (sentiment; anger among emotions), stored as one compact ``.npz`` file.

Inference is a sum of a few hundred weight columns and a softmax in NumPy; scikit-learn is needed
only to train. Hashed-bucket weights are stored as float16 (their precision is far below the noise
of the training data), the dense columns and biases as float32.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.sentiment.features import HASH_SIZE, N_FEATURES, MessageFeatures, hashed_weight

FORMAT_VERSION = 2
SENTIMENT_CLASSES = ("negative", "neutral", "positive")

FloatArray = npt.NDArray[np.float32]


class ModelFileError(ValueError):
    """The model file is missing, from another format version, or damaged."""


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression over the features: one weight row per class."""

    classes: tuple[str, ...]
    weights: FloatArray  # (n_classes, N_FEATURES)
    bias: FloatArray  # (n_classes,)

    def probabilities(self, features: MessageFeatures) -> FloatArray:
        scale = hashed_weight(len(features.buckets))
        logits = self.bias.copy()
        if features.buckets:
            logits += self.weights[:, features.buckets].sum(axis=1) * scale
        logits += self.weights[:, HASH_SIZE:] @ np.asarray(features.dense, dtype=np.float32)
        logits -= logits.max()
        exp = np.exp(logits)
        probabilities: FloatArray = (exp / exp.sum()).astype(np.float32)
        return probabilities

    def probability_of(self, features: MessageFeatures, name: str) -> float:
        return float(self.probabilities(features)[self.classes.index(name)])


@dataclass(frozen=True)
class SentimentModel:
    """The sentiment head and, when trained, the emotion head whose ``anger`` feeds frustration."""

    sentiment: LinearHead
    emotion: LinearHead | None
    metadata: dict[str, object]

    def save(self, path: Path) -> None:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "format_version": np.asarray(FORMAT_VERSION),
            "metadata": np.asarray(json.dumps(self.metadata)),
        }
        for prefix, head in (("sentiment", self.sentiment), ("emotion", self.emotion)):
            if head is None:
                continue
            arrays[f"{prefix}_classes"] = np.asarray(head.classes)
            arrays[f"{prefix}_hashed"] = head.weights[:, :HASH_SIZE].astype(np.float16)
            arrays[f"{prefix}_dense"] = head.weights[:, HASH_SIZE:].astype(np.float32)
            arrays[f"{prefix}_bias"] = head.bias.astype(np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and moved into place, so a failed save leaves no half model.
        # np.savez appends ".npz" to names without it; writing through a handle keeps the name.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would make a shared model unreadable to others
            with os.fdopen(fd, "wb") as handle:
                np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> SentimentModel:
        if not path.is_file():
            raise ModelFileError(f"{path}: no such model file")
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["format_version"])
                if version != FORMAT_VERSION:
                    raise ModelFileError(
                        f"{path}: model format {version}, this Tideline reads {FORMAT_VERSION}"
                    )
                sentiment = _head(data, "sentiment")
                emotion = _head(data, "emotion") if "emotion_bias" in data else None
                metadata = json.loads(str(data["metadata"]))
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(f"{path}: not a Tideline sentiment model ({exc})") from None
        if sentiment is None or sentiment.classes != SENTIMENT_CLASSES:
            raise ModelFileError(
                f"{path}: the sentiment head must have classes {SENTIMENT_CLASSES}"
            )
        return cls(sentiment=sentiment, emotion=emotion, metadata=metadata)


def _head(data: np.lib.npyio.NpzFile, prefix: str) -> LinearHead | None:
    hashed = data[f"{prefix}_hashed"].astype(np.float32)
    dense = data[f"{prefix}_dense"].astype(np.float32)
    weights = np.concatenate([hashed, dense], axis=1)
    if weights.shape[1] != N_FEATURES:
        raise ModelFileError(
            f"{prefix} head has {weights.shape[1]} features, expected {N_FEATURES}"
        )
    classes = tuple(str(c) for c in data[f"{prefix}_classes"])
    return LinearHead(
        classes=classes, weights=weights, bias=data[f"{prefix}_bias"].astype(np.float32)
    )
