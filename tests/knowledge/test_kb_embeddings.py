"""The local MiniLM embedder: sane vectors, ONNX equal to the NumPy reference, checksums."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from evals.retrieval import load_cases
from knowledge import SAMPLE_HELPCENTRE, ModelFileError, default_embedder
from knowledge.chunking import Chunker, embedding_text
from knowledge.documents import read_documents
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.minilm import bundled_model_dir, verify_model_files
from knowledge.types import Document


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
    # sentence-transformers' documentation reports 0.7553 for this pair with all-MiniLM-L6-v2:
    # the fp32 graph reproduces it, which checks the weights and the graph.
    pair = ["A man is eating food.", "A man is eating a piece of bread."]
    v = default_embedder(precision="fp32").embed(pair)
    assert float(v[0] @ v[1]) == pytest.approx(0.7553, abs=2e-3)
    # The default int8 graph moves it a little (measured 0.764), never by a hundredth.
    q = default_embedder().embed(pair)
    assert float(q[0] @ q[1]) == pytest.approx(0.7553, abs=1e-2)


def test_batching_does_not_change_vectors() -> None:
    texts = [f"question number {i} about {'billing ' * (i % 7)}devices" for i in range(40)]
    embedder = default_embedder()
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts[:5]])
    assert np.allclose(together[:5], alone, atol=1e-5)


def test_onnx_graph_agrees_with_numpy_reference() -> None:
    texts = ["The hub blinks red after a firmware update", "short", "x " * 300]
    onnx_vecs = default_embedder(precision="fp32").embed(texts)
    numpy_vecs = LocalMiniLMEmbedder(backend="numpy").embed(texts)
    assert np.abs(onnx_vecs - numpy_vecs).max() < 1e-4


def test_int8_vectors_stay_close_to_the_fp32_ones_on_help_centre_text() -> None:
    chunker = Chunker()
    texts = [
        embedding_text(chunk)
        for doc in read_documents(SAMPLE_HELPCENTRE)
        if isinstance(doc, Document)
        for chunk in chunker.split(doc)
    ][::4] + [case.query for case in load_cases()][::4]
    int8 = default_embedder().embed(texts)
    fp32 = default_embedder(precision="fp32").embed(texts)
    cosine = (int8 * fp32).sum(axis=1)
    # Plain (per-matrix) int8 gives a mean near 0.96 and lets some texts fall to 0.85.
    assert cosine.mean() > 0.99 and cosine.min() > 0.96


def test_a_text_gets_the_same_vector_whatever_it_is_embedded_with() -> None:
    texts = [f"question {i}: {'why was I billed twice ' * (i % 5)}for my camera" for i in range(9)]
    embedder = default_embedder()
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts])
    # Exactly: the int8 graph's activation scale must not depend on the other texts of a batch.
    np.testing.assert_array_equal(together, alone)


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
