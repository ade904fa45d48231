"""Two Tideline server processes sharing PostgreSQL, Redis and a Chroma server, started as the
deployment recipe starts them. PostgreSQL and Redis must be running (the tests fail, never skip,
when they are not); the Chroma server is started from the installed chromadb package."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_support import Cluster, ServerProcess, tideline

from tests.support import delete_redis_prefix, throwaway_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
    chroma_url: str,
    sample_data_dir: Path,
) -> Iterator[Cluster]:
    data_dir = tmp_path_factory.mktemp("cluster-data")
    # The MiniLM graph built for the session's sample knowledge base: no need to build it again.
    shutil.copytree(sample_data_dir / "models", data_dir / "models")
    prefix = f"tideline-test-{secrets.token_hex(6)}"
    with throwaway_postgres() as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CHROMA_URL": chroma_url,
            "TIDELINE_DATA_DIR": str(data_dir),
            "TIDELINE_REDIS_PREFIX": prefix,
            "TIDELINE_ENVIRONMENT": "production",
            "TIDELINE_SECRET_KEY": secrets.token_urlsafe(48),
        }
        tideline("db", "upgrade", env=env)
        a = ServerProcess("a", env, data_dir)
        b = ServerProcess("b", env, data_dir)
        try:
            a.start()  # the first process loads the sample help centre into the Chroma server
            b.start()
            yield Cluster(env=env, a=a, b=b)
        finally:
            a.stop()
            b.stop()
            delete_redis_prefix(redis_url, prefix)
