"""Text embedders behind one protocol: the bundled MiniLM (default, offline) or an OpenAI model."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from knowledge.minilm import GRAPH_VERSION, MiniLM, Precision, bundled_model_dir, weights_id

LOCAL_MODEL = "local-minilm"
LOCAL_MODEL_FP32 = "local-minilm-fp32"  # the unquantised graph: slower, the reference vectors
# Dimensions of OpenAI's embedding models, so `dim` is known without a network call.
OPENAI_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...


def embedder_fingerprint(embedder: Embedder) -> str:
    """What a store records about its vectors: model, quantisation and version when known.

    Two embedders with the same fingerprint give the same vectors, so a store whose vectors carry
    another fingerprint is re-embedded rather than searched with mixed vectors. Embedders that do
    not say (a test double, a third-party class) are known by their name.
    """
    return str(getattr(embedder, "fingerprint", None) or embedder.name)


class LocalMiniLMEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime; texts are batched by length so little time goes on padding.

    The model is loaded (checksums verified, graph built) at the first ``embed`` or ``load``, so
    commands that embed nothing, like re-ingesting unchanged documents, do not pay for it. One
    text (a query) runs on one thread; a batch runs ``workers`` length-sorted sub-batches at once,
    one thread each, so ingest uses both cores with a single copy of the model.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        batch_size: int | None = None,
        token_budget: int = 2048,
        backend: Literal["onnx", "numpy"] = "onnx",
        precision: Precision = "int8",
        threads: int = 1,
        workers: int | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.cache_dir = cache_dir
        self.backend = backend
        # The NumPy reference has no quantised form.
        self.precision: Precision = "fp32" if backend == "numpy" else precision
        # The int8 graph quantises activations with one scale per run, so batch mates (and their
        # padding) would move a text's vector (cosine down to 0.98 between batch sizes): it embeds
        # one text per run, which is also faster per core (no padding) and makes a text's vector
        # the same at ingest and at query time. The fp32 graph gains from batching.
        self.batch_size = batch_size or (1 if self.precision == "int8" else 32)
        self.token_budget = token_budget
        self.threads = threads
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._model: MiniLM | None = None
        self._pool: ThreadPoolExecutor | None = None
        # The tokenizer's padding settings are shared state; one caller tokenizes at a time.
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return f"{self.name}/{weights_id()}/{self.precision}/{GRAPH_VERSION}"

    def load(self) -> MiniLM:
        with self._lock:
            if self._model is None:
                self._model = MiniLM(
                    self.model_dir or bundled_model_dir(),
                    backend=self.backend,
                    precision=self.precision,
                    threads=self.threads,
                    cache_dir=self.cache_dir,
                )
            return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        model = self.load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = self._batches(order, texts)
        with self._lock:
            inputs = [model.tokenize([texts[i] for i in picked]) for picked in batches]
        if len(batches) > 1 and self.workers > 1:
            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="minilm")
                pool = self._pool
            # onnxruntime releases the GIL while it runs, so the sub-batches really run at once.
            vectors = list(pool.map(lambda feed: model.run(*feed), inputs))
        else:
            vectors = [model.run(*feed) for feed in inputs]
        for picked, rows in zip(batches, vectors, strict=True):
            out[picked] = rows
        return out

    def _batches(self, order: list[int], texts: list[str]) -> list[list[int]]:
        """Length-sorted batches capped at ``token_budget`` padded tokens.

        Attention memory grows with batch x length^2; capping padded tokens keeps long chunks from
        inflating resident memory (the allocator rarely gives it back) without slowing short texts.
        """
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            longest = min(len(texts[i]) // 3 + 2, 256)  # a generous chars-to-tokens estimate
            if current and (
                len(current) >= self.batch_size or (len(current) + 1) * longest > self.token_budget
            ):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches


class OpenAIEmbedder:
    """An OpenAI (or compatible) embeddings model through langchain-openai."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        batch_size: int = 256,
    ) -> None:
        from langchain_openai import OpenAIEmbeddings  # imported here: the default never needs it

        kwargs: dict[str, Any] = {"model": model, "chunk_size": batch_size}
        if api_key is not None:
            kwargs["api_key"] = api_key
        if base_url is not None:
            kwargs["base_url"] = base_url
            # Compatible servers take text, not tiktoken ids (tiktoken would download its encoding).
            kwargs["check_embedding_ctx_length"] = False
        self.client = OpenAIEmbeddings(**kwargs)
        self.name = model
        self.fingerprint = f"openai/{model}"
        self._dim = OPENAI_DIMS.get(model)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.embed(["dimension probe"]).shape[1])
        return self._dim

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        vectors = np.asarray(self.client.embed_documents(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
        return unit


@lru_cache(maxsize=4)
def default_embedder(
    cache_dir: Path | None = None, precision: Precision = "int8"
) -> LocalMiniLMEmbedder:
    """The bundled MiniLM, one per process (checksums and graph take a few seconds at first use).

    With ``cache_dir`` (the data directory's model cache) the ONNX graph is built once and reused.
    """
    return LocalMiniLMEmbedder(cache_dir=cache_dir, precision=precision)


def build_embedder(
    model: str = LOCAL_MODEL,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    cache_dir: Path | None = None,
) -> Embedder:
    """The embedder ``Settings.embedding_model`` names: 'local-minilm' (int8), 'local-minilm-fp32'
    or an OpenAI model name."""
    if model in (LOCAL_MODEL, LocalMiniLMEmbedder.name, "all-minilm-l6-v2"):
        return default_embedder(cache_dir=cache_dir)
    if model == LOCAL_MODEL_FP32:
        return default_embedder(cache_dir=cache_dir, precision="fp32")
    return OpenAIEmbedder(model, api_key=api_key, base_url=base_url)
