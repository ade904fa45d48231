"""The OpenAI embeddings option, against a real OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from knowledge import EmbedderMismatch, build_embedder, open_knowledge_base
from knowledge.embeddings import OpenAIEmbedder


class _Embeddings(BaseHTTPRequestHandler):
    """Answers POST /v1/embeddings with unnormalised 8-d vectors derived from each text."""

    requests: list[dict[str, object]] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        data = []
        for index, text in enumerate(body["input"]):
            vector = np.zeros(8, dtype=np.float32)
            vector[len(text) % 8] = 3.0  # deliberately not unit length
            vector[0] += 1.0
            encoded: object = vector.tolist()
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(vector.tobytes()).decode()
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        payload = json.dumps(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server_url() -> Iterator[str]:
    _Embeddings.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_model_name_selects_the_api_embedder_and_normalises(server_url: str) -> None:
    embedder = build_embedder("text-embedding-3-small", api_key="sk-test", base_url=server_url)
    assert isinstance(embedder, OpenAIEmbedder)
    assert embedder.name == "text-embedding-3-small" and embedder.dim == 1536
    vectors = embedder.embed(["one", "three", "seventeen"])
    assert vectors.shape == (3, 8)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert _Embeddings.requests[0]["input"] == ["one", "three", "seventeen"]  # text, not token ids


def test_unknown_model_learns_its_dimension_from_the_server(server_url: str) -> None:
    embedder = build_embedder("my-local-embedder", api_key="sk-test", base_url=server_url)
    assert embedder.dim == 8


def test_a_collection_refuses_another_embedder(server_url: str, tmp_path: Path) -> None:
    with open_knowledge_base(data_dir=tmp_path, collection="minilm-kb"):
        pass
    other = build_embedder("my-local-embedder", api_key="sk-test", base_url=server_url)
    with pytest.raises(EmbedderMismatch, match="all-MiniLM-L6-v2"):
        open_knowledge_base(data_dir=tmp_path, collection="minilm-kb", embedder=other)
