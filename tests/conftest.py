"""Fixtures shared across the suite: the sample help centre in a real Chroma store, and a real bot."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from playwright import sync_api

from agent.bot import SupportBot
from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.message_vectors import QueryVectors
from agent.policy.escalation import load_policy
from agent.responders.grounded import GroundedResponder
from agent.sentiment.offline import OfflineAnalyzer
from knowledge import KnowledgeBase, default_embedder, ensure_sample_loaded, open_knowledge_base
from tests.support import free_port, throwaway_postgres


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The bundled help centre ingested once per test session into an on-disk Chroma."""
    data_dir: Path = tmp_path_factory.mktemp("sample-kb")
    with open_knowledge_base(data_dir=data_dir, collection="helpcentre") as kb:
        ensure_sample_loaded(kb)
        yield kb


@pytest.fixture(scope="session")
def sample_data_dir(sample_kb: KnowledgeBase) -> Path:
    """The data directory holding the ingested sample help centre, for commands run against it."""
    return Path(sample_kb.client.get_settings().persist_directory).parent


@pytest.fixture(scope="session")
def offline_analyzer() -> OfflineAnalyzer:
    """The shipped reader as a server runs it: with the MiniLM sentence vector of each message."""
    return OfflineAnalyzer.load(encoder=QueryVectors(default_embedder()))


@pytest.fixture
def make_bot(
    sample_kb: KnowledgeBase, offline_analyzer: OfflineAnalyzer
) -> Callable[..., tuple[SupportBot, InMemoryHandoffQueue]]:
    """A bot on the embedded defaults (offline analyzer, default policy, grounded responder)."""

    def make(**overrides: object) -> tuple[SupportBot, InMemoryHandoffQueue]:
        queue = InMemoryHandoffQueue()
        values: dict[str, object] = {
            "analyzer": offline_analyzer,
            "retriever": sample_kb,
            "policy": load_policy(None),
            "responder": GroundedResponder(),
            "queue": queue,
            "clock": lambda: 1_800_000_000.0,
        }
        values.update(overrides)
        return SupportBot(TurnDependencies(**values)), queue  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    with throwaway_postgres() as url:
        yield url


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots", default=None, metavar="DIR", help="save page screenshots to DIR"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (its own browser download is never used)."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: run .ci/install-browser (apt-get install chromium)", pytrace=False
        )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Path | None:
    """Where to save screenshots of the pages (``--screenshots DIR``), to look at them."""
    where = request.config.getoption("--screenshots")
    if where is None:
        return None
    Path(where).mkdir(parents=True, exist_ok=True)
    return Path(where)


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    yield page
    context.close()


REDIS_URL = "redis://127.0.0.1:6379/0"
START_REDIS = (
    "Redis is not reachable at 127.0.0.1:6379. Start it, e.g. `sudo service redis-server start` "
    "or `docker run -d -p 6379:6379 redis:7`"
)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server on 127.0.0.1:6379; the tests that need it fail (never skip) when down."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    failure = None
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        failure = f"{START_REDIS}\n({exc})"
    finally:
        client.close()
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    return REDIS_URL


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server started from the installed chromadb package, on 127.0.0.1."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        pytest.fail("the `chroma` executable of the chromadb package is missing", pytrace=False)
    port = free_port()
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
                    pytest.fail("the Chroma server did not start", pytrace=False)
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
