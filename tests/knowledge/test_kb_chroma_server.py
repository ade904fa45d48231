"""A knowledge base on a Chroma server (CHROMA_URL) instead of the on-disk store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge import open_knowledge_base


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        pytest.skip("the chroma server executable is not installed")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Chroma server did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(
    chroma_url: str, docs_dir: Path, tmp_path: Path
) -> None:
    with open_knowledge_base(
        data_dir=tmp_path, collection="served-kb", chroma_url=chroma_url
    ) as kb:
        assert kb.ingest(docs_dir).added == 3
        assert kb.search("express delivery next day", k=1).passages[0].doc_id == "shipping-times"
    assert not (tmp_path / "chroma").exists()  # nothing was written locally
    # A second client (another worker) sees the same collection.
    with open_knowledge_base(
        data_dir=tmp_path, collection="served-kb", chroma_url=chroma_url
    ) as kb:
        assert kb.ingest(docs_dir).unchanged == 3
        assert kb.search("reset link", k=1).passages[0].doc_id == "reset-password"


def test_invalid_chroma_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid Chroma URL"):
        open_knowledge_base(data_dir=tmp_path, collection="x-kb", chroma_url="not a url")
