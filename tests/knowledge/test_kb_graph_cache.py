"""The MiniLM graph is built once into the data directory's model cache, never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.minilm import bundled_model_dir, cached_graph


def test_the_cached_graph_gives_the_same_vectors_and_is_reused(tmp_path: Path) -> None:
    texts = ["how do I reset my password", "my parcel never arrived"]
    cached = LocalMiniLMEmbedder(cache_dir=tmp_path).embed(texts)
    built = list(tmp_path.glob("*.onnx"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    again = LocalMiniLMEmbedder(cache_dir=tmp_path).embed(texts)
    assert built[0].stat().st_mtime_ns == stamp  # reused, not rebuilt
    np.testing.assert_allclose(cached, again)
    np.testing.assert_allclose(cached, LocalMiniLMEmbedder().embed(texts), atol=1e-6)


def test_an_altered_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = cached_graph(bundled_model_dir(), tmp_path)
    original = path.read_bytes()
    path.write_bytes(original[:-10] + b"0123456789")
    rebuilt = cached_graph(bundled_model_dir(), tmp_path)
    assert rebuilt == path and rebuilt.read_bytes() == original
