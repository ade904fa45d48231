"""Helpers the knowledge-base tests share (imported by path: conftest modules are not importable
by name when several test folders each have one)."""

from __future__ import annotations

import numpy as np

from knowledge import default_embedder


class CountingEmbedder:
    """The real MiniLM embedder, counting how many texts it was asked to embed."""

    def __init__(self) -> None:
        self.inner = default_embedder()
        self.name = self.inner.name
        self.dim = self.inner.dim
        self.fingerprint = self.inner.fingerprint
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)
