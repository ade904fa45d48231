"""The local MiniLM embedder: sane vectors, ONNX equal to the NumPy reference, checksums."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from knowledge import ModelFileError, default_embedder
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.minilm import bundled_model_dir, verify_model_files


def test_vectors_are_normalised_and_paraphrases_closer_than_unrelated() -> None:
    embedder = default_embedder()
    v = embedder.embed(
        [
            "How do I reset my password?",
            "I forgot my password and cannot log in",
            "What is the refund policy for annual plans?",
        ]
    )
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > 0.7
    assert v[0] @ v[2] < 0.3


def test_matches_the_published_reference_similarity() -> None:
    # sentence-transformers' documentation reports 0.7553 for this pair with all-MiniLM-L6-v2.
    v = default_embedder().embed(["A man is eating food.", "A man is eating a piece of bread."])
    assert float(v[0] @ v[1]) == pytest.approx(0.7553, abs=2e-3)


def test_batching_does_not_change_vectors() -> None:
    texts = [f"question number {i} about {'billing ' * (i % 7)}devices" for i in range(40)]
    embedder = default_embedder()
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts[:5]])
    assert np.allclose(together[:5], alone, atol=1e-5)


def test_onnx_graph_agrees_with_numpy_reference() -> None:
    texts = ["The hub blinks red after a firmware update", "short", "x " * 300]
    onnx_vecs = default_embedder().embed(texts)
    numpy_vecs = LocalMiniLMEmbedder(backend="numpy").embed(texts)
    assert np.abs(onnx_vecs - numpy_vecs).max() < 1e-4


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(bundled_model_dir(), target)
    return target


def test_altered_model_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    model = _copy_model(tmp_path)
    config = model / "config.json"
    config.write_text(config.read_text().replace('"hidden_act": "gelu"', '"hidden_act": "relu"'))
    with pytest.raises(ModelFileError, match=r"altered: .*config\.json"):
        verify_model_files(model)
    with pytest.raises(ModelFileError, match="config.json"):
        LocalMiniLMEmbedder(model).embed(["hello"])


def test_missing_model_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    model = _copy_model(tmp_path)
    (model / "tokenizer.json").unlink()
    with pytest.raises(ModelFileError, match=r"missing: .*tokenizer\.json"):
        LocalMiniLMEmbedder(model).load()
