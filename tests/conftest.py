"""Fixtures shared across the suite: the sample help centre in a real Chroma store, and a real bot."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright import sync_api
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from agent.bot import SupportBot
from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.policy.rules import load_policy
from agent.responders.grounded import GroundedResponder
from agent.sentiment.offline import OfflineAnalyzer
from knowledge import KnowledgeBase, ensure_sample_loaded, open_knowledge_base


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
    return OfflineAnalyzer.load()


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


POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_POSTGRES = (
    "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, database test, trust auth). "
    "Start it, e.g. `sudo service postgresql start` or `docker run -d -p 5432:5432 "
    "-e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16`"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end; fails (never skips) if down."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"tideline_test_{secrets.token_hex(6)}"
    failure = None
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        failure = f"{START_POSTGRES}\n({exc.orig})"
    if failure is not None:
        admin.dispose()
        pytest.fail(failure, pytrace=False)
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
