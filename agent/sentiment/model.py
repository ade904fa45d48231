"""The reader's trained heads, stored as one compact ``.npz`` file.

Two pairs of linear heads (sentiment: negative / neutral / positive; emotion: ``anger`` or not):
the *plain* heads read the hashed n-gram and cue features of ``features.py``; the *joint* heads read
the same features plus the message's MiniLM sentence vector, and are used whenever that vector is
available (the vector's encoder is named in the metadata). Inference is a sum of weight columns, a
matrix-vector product and a softmax in NumPy; scikit-learn is needed only to train. Hashed-bucket
weights are stored as float16 (their precision is far below the noise of the training data), the
dense and vector columns and the biases as float32.
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

FORMAT_VERSION = 3
READABLE_VERSIONS = (2, 3)  # version 2: plain heads only (models trained before the joint heads)
SENTIMENT_CLASSES = ("negative", "neutral", "positive")
HEADS = ("sentiment", "emotion", "joint_sentiment", "joint_emotion")

FloatArray = npt.NDArray[np.float32]


class ModelFileError(ValueError):
    """The model file is missing, from another format version, or damaged."""


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression: one weight row per class over the features (and vector)."""

    classes: tuple[str, ...]
    weights: FloatArray  # (n_classes, N_FEATURES)
    bias: FloatArray  # (n_classes,)
    vector_weights: FloatArray | None = None  # (n_classes, dim): joint heads only

    def logits(self, features: MessageFeatures, vector: FloatArray | None = None) -> FloatArray:
        scale = hashed_weight(len(features.buckets))
        logits = self.bias.copy()
        if features.buckets:
            logits += self.weights[:, features.buckets].sum(axis=1) * scale
        logits += self.weights[:, HASH_SIZE:] @ np.asarray(features.dense, dtype=np.float32)
        if self.vector_weights is not None:
            if vector is None:
                raise ValueError("this head reads the message's sentence vector: pass it")
            logits += self.vector_weights @ vector
        return logits

    def probabilities(
        self, features: MessageFeatures, vector: FloatArray | None = None
    ) -> FloatArray:
        logits = self.logits(features, vector)
        logits -= logits.max()
        exp = np.exp(logits)
        probabilities: FloatArray = (exp / exp.sum()).astype(np.float32)
        return probabilities

    def probability_of(
        self, features: MessageFeatures, name: str, vector: FloatArray | None = None
    ) -> float:
        return float(self.probabilities(features, vector)[self.classes.index(name)])


@dataclass(frozen=True)
class SentimentModel:
    """The plain heads, and the joint heads with the name of the encoder whose vectors they read."""

    sentiment: LinearHead
    emotion: LinearHead | None
    metadata: dict[str, object]
    joint_sentiment: LinearHead | None = None
    joint_emotion: LinearHead | None = None

    @property
    def encoder(self) -> str | None:
        """The sentence encoder the joint heads were trained on (``None``: plain heads only)."""
        name = self.metadata.get("encoder")
        return str(name) if self.joint_sentiment is not None and name else None

    def save(self, path: Path) -> None:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "format_version": np.asarray(FORMAT_VERSION),
            "metadata": np.asarray(json.dumps(self.metadata)),
        }
        for prefix in HEADS:
            head: LinearHead | None = getattr(self, prefix)
            if head is None:
                continue
            arrays[f"{prefix}_classes"] = np.asarray(head.classes)
            arrays[f"{prefix}_hashed"] = head.weights[:, :HASH_SIZE].astype(np.float16)
            arrays[f"{prefix}_dense"] = head.weights[:, HASH_SIZE:].astype(np.float32)
            arrays[f"{prefix}_bias"] = head.bias.astype(np.float32)
            if head.vector_weights is not None:
                arrays[f"{prefix}_vector"] = head.vector_weights.astype(np.float32)
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
                if version not in READABLE_VERSIONS:
                    raise ModelFileError(
                        f"{path}: model format {version}, this Tideline reads "
                        f"{' and '.join(map(str, READABLE_VERSIONS))}"
                    )
                heads = {p: _head(data, p) if f"{p}_bias" in data else None for p in HEADS}
                metadata = json.loads(str(data["metadata"]))
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(f"{path}: not a Tideline sentiment model ({exc})") from None
        for prefix in ("sentiment", "joint_sentiment"):
            head = heads[prefix]
            if (head is None and prefix == "sentiment") or (
                head is not None and head.classes != SENTIMENT_CLASSES
            ):
                raise ModelFileError(
                    f"{path}: the {prefix} head must have classes {SENTIMENT_CLASSES}"
                )
        sentiment = heads["sentiment"]
        assert sentiment is not None
        return cls(
            sentiment=sentiment,
            emotion=heads["emotion"],
            metadata=metadata,
            joint_sentiment=heads["joint_sentiment"],
            joint_emotion=heads["joint_emotion"],
        )


def _head(data: np.lib.npyio.NpzFile, prefix: str) -> LinearHead:
    hashed = data[f"{prefix}_hashed"].astype(np.float32)
    dense = data[f"{prefix}_dense"].astype(np.float32)
    weights = np.concatenate([hashed, dense], axis=1)
    if weights.shape[1] != N_FEATURES:
        raise ModelFileError(
            f"{prefix} head has {weights.shape[1]} features, expected {N_FEATURES}"
        )
    vector = data[f"{prefix}_vector"].astype(np.float32) if f"{prefix}_vector" in data else None
    classes = tuple(str(c) for c in data[f"{prefix}_classes"])
    return LinearHead(
        classes=classes,
        weights=weights,
        bias=data[f"{prefix}_bias"].astype(np.float32),
        vector_weights=vector,
    )
