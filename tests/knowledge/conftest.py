"""Fixtures for the knowledge-base tests: small real knowledge bases in tmp dirs.

The ingested sample help centre is the suite-wide session fixture ``sample_kb`` (tests/conftest.py),
shared so it is embedded once per session.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, open_knowledge_base
from knowledge.minilm import bundled_model_dir, cached_graph
from tests.knowledge.kb_support import CountingEmbedder

ARTICLES = {
    "reset-password.md": (
        "---\ndoc_id: reset-password\ntitle: Reset your password\nurl: https://help.example/reset\n---\n"
        "Use the sign-in page to get a reset link.\n\n## Get a reset link\n\n"
        "Choose **Forgot password?** and enter your email. The link works for 30 minutes.\n\n"
        "## No email arrived\n\nCheck your spam folder, then ask for a new link after 5 minutes.\n"
    ),
    "shipping-times.md": (
        "---\ndoc_id: shipping-times\ntitle: How long delivery takes\n---\n"
        "## Standard delivery\n\nStandard delivery takes 3 to 5 business days in the UK.\n\n"
        "## Express delivery\n\nExpress orders placed before 2 pm arrive the next business day.\n"
    ),
    "guides/pairing.html": (
        "<html><head><title>Pair a camera with the hub</title></head><body>"
        "<h2>Before you start</h2><p>Charge the camera fully and keep it near the hub.</p>"
        "<h2>Pairing</h2><p>Hold the sync button for 5 seconds until the light blinks blue.</p>"
        "</body></html>"
    ),
}


def write_articles(root: Path, articles: dict[str, str] | None = None) -> Path:
    for name, text in (articles or ARTICLES).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def counting_embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def make_kb(
    tmp_path: Path, counting_embedder: CountingEmbedder
) -> Iterator[Callable[[], KnowledgeBase]]:
    """Opens (and later closes) a knowledge base on a fresh on-disk Chroma under tmp_path."""
    opened: list[KnowledgeBase] = []

    def make() -> KnowledgeBase:
        kb = open_knowledge_base(
            data_dir=tmp_path / "data", collection="test-kb", embedder=counting_embedder
        )
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "docs")


@pytest.fixture(scope="session")
def graph_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache holding the int8 and fp32 graphs, built once for the session."""
    cache = tmp_path_factory.mktemp("models")
    cached_graph(bundled_model_dir(), cache, "int8")
    cached_graph(bundled_model_dir(), cache, "fp32")
    return cache


@pytest.fixture
def data_dir_with_models(tmp_path: Path, graph_cache: Path) -> Path:
    """A fresh data directory whose model cache is already built (commands would rebuild it)."""
    data = tmp_path / "data"
    shutil.copytree(graph_cache, data / "models")
    return data
