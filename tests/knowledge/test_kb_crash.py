"""A `tideline kb ingest` killed (SIGKILL) part-way: the next run converges to a clean ingest.

Real subprocesses of the console script on a real store (on-disk Chroma, and a Chroma server),
killed at seeded random points of the embedding progress; afterwards the store must hold exactly
what one clean ingest of the same folder gives, and search must never find text that only the
replaced version had.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase, default_embedder, open_knowledge_base

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "crash-kb"
MARKER = "quillfeather"  # only the first version's text has it
WORDS = [
    "camera",
    "hub",
    "thermostat",
    "doorbell",
    "sensor",
    "plug",
    "bulb",
    "account",
    "plan",
    "invoice",
    "refund",
    "order",
    "parcel",
    "courier",
    "firmware",
    "update",
    "battery",
    "wifi",
    "router",
    "password",
    "email",
    "phone",
    "app",
    "schedule",
    "scene",
    "alarm",
    "warranty",
    "return",
    "exchange",
    "discount",
    "voucher",
    "billing",
    "charge",
    "card",
    "bank",
    "address",
    "delivery",
]


def write_version(root: Path, version: int) -> Path:
    """About 30 articles; version 2 keeps the doc ids, edits and mostly shortens every one."""
    rng = random.Random(version)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(30):
        if version == 2 and i % 10 == 9:
            continue  # removed in version 2 (for --prune)
        sections = 7 if version == 1 else (3 + i % 3)
        body = []
        for s in range(sections):
            words = " ".join(rng.choice(WORDS) for _ in range(70))
            if version == 1 and s == sections - 1:
                words += f" {MARKER}{i} applies only to the old policy."
            body.append(f"## Step {s + 1} for topic {i}\n\n{words.capitalize()}.\n")
        title = f"Article {i} about the {WORDS[i]}" + (" (revised)" if version == 2 else "")
        (root / f"article-{i:02d}.md").write_text(
            f"---\ndoc_id: article-{i:02d}\ntitle: {title}\n---\n" + "\n".join(body),
            encoding="utf-8",
        )
    if version == 2:
        (root / "article-new.md").write_text(
            "---\ndoc_id: article-new\ntitle: A new article\n---\nNew in version two: "
            + " ".join(rng.choice(WORDS) for _ in range(60))
            + ".\n",
            encoding="utf-8",
        )
    return root


def data_dir(root: Path, graph_cache: Path) -> Path:
    shutil.copytree(graph_cache, root / "models")
    return root


def ingest_command(folder: Path, data: Path) -> list[str]:
    tideline = shutil.which("tideline", path=str(Path(sys.executable).parent))
    assert tideline, "the tideline console script is not installed"
    return [tideline, "kb", "ingest", str(folder), "--prune", "--data-dir", str(data),
            "--collection", COLLECTION]  # fmt: skip


def environment(chroma_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_URL", "TIDELINE_DATA_DIR")}
    env["PYTHONPATH"] = str(ROOT)  # the code under test, whatever is installed
    if chroma_url:
        env["CHROMA_URL"] = chroma_url
    return env


def run_ingest(folder: Path, data: Path, chroma_url: str | None = None) -> str:
    done = subprocess.run(
        ingest_command(folder, data),
        env=environment(chroma_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def killed_ingest(
    folder: Path, data: Path, rng: random.Random, chroma_url: str | None = None
) -> bool:
    """Start an ingest and SIGKILL it once the progress bar passes a random point.

    Returns True when the kill landed before the process finished on its own.
    """
    process = subprocess.Popen(
        ingest_command(folder, data),
        env=environment(chroma_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    progress = {"done": -1, "total": 0}

    def watch() -> None:
        assert process.stderr is not None
        text = ""
        while block := process.stderr.read1(4096):  # type: ignore[attr-defined]
            text = (text + block.decode(errors="replace"))[-400:]
            for done, total in re.findall(r"(\d+)/(\d+) \[", text):
                progress["done"], progress["total"] = int(done), int(total)

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    fraction, delay = rng.random(), rng.uniform(0.0, 0.5)
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline:
        total = progress["total"]
        if total and progress["done"] >= int(fraction * total):
            time.sleep(delay)  # lands inside an embedding round, a flip, or the deletes
            break
        time.sleep(0.01)
    finished = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    reader.join(timeout=10)
    process.stderr.close()
    return not finished


def snapshot(kb: KnowledgeBase) -> dict[str, tuple[str, str, np.ndarray]]:
    """Chunk id -> (section, text, vector) of everything search can see."""
    got = kb.collection.get(include=["documents", "metadatas", "embeddings"])
    return {
        cid: (str((meta or {}).get("section")), text or "", np.asarray(vector, dtype=np.float32))
        for cid, meta, text, vector in zip(
            got["ids"], got["metadatas"] or [], got["documents"] or [], got["embeddings"],
            strict=True,
        )
    }  # fmt: skip


def open_kb(
    data: Path, chroma_url: str | None = None, collection: str = COLLECTION
) -> KnowledgeBase:
    return open_knowledge_base(
        data_dir=data,
        collection=collection,
        chroma_url=chroma_url,
        embedder=default_embedder(cache_dir=data / "models"),
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, graph_cache: Path) -> Iterator[dict]:
    """What one clean ingest of version 2 holds."""
    root = tmp_path_factory.mktemp("clean")
    folder = write_version(root / "v2", 2)
    with open_kb(data_dir(root / "data", graph_cache)) as kb:
        kb.ingest(folder)
        yield snapshot(kb)


def assert_converged(kb: KnowledgeBase, clean: dict) -> None:
    got = snapshot(kb)
    assert sorted(got) == sorted(clean)
    assert {k: v[:2] for k, v in got.items()} == {k: v[:2] for k, v in clean.items()}
    # And the vectors are the new version's (a server's transport may round the last digits).
    drift = max(float(np.abs(got[k][2] - clean[k][2]).max()) for k in clean)
    assert drift < 1e-4
    for i in range(30):
        for passage in kb.search(f"{MARKER}{i} old policy", k=5).passages:
            assert MARKER not in passage.text, (
                f"search found the replaced text of {passage.chunk_id}"
            )


def test_a_killed_replacing_ingest_is_finished_by_the_next_run(
    tmp_path: Path, graph_cache: Path, clean: dict
) -> None:
    """The issue's repro: v1 ingested, v2 (same doc ids) killed part-way, run again."""
    v1, v2 = write_version(tmp_path / "v1", 1), write_version(tmp_path / "v2", 2)
    data = data_dir(tmp_path / "data", graph_cache)
    run_ingest(v1, data)
    assert killed_ingest(v2, data, random.Random(13)), "the ingest finished before the kill"
    run_ingest(v2, data)
    with open_kb(data) as kb:
        assert_converged(kb, clean)


@pytest.mark.parametrize("store", ["sqlite", "server"])
def test_ingests_killed_at_random_points_converge_to_a_clean_ingest(
    store: str, tmp_path: Path, graph_cache: Path, clean: dict, request: pytest.FixtureRequest
) -> None:
    chroma_url = request.getfixturevalue("chroma_url") if store == "server" else None
    v1, v2 = write_version(tmp_path / "v1", 1), write_version(tmp_path / "v2", 2)
    data = data_dir(tmp_path / "data", graph_cache)
    run_ingest(v1, data, chroma_url)
    rng = random.Random(f"kill-{store}")
    kills = sum(
        killed_ingest(v2, data, rng, chroma_url) for _ in range(3 if store == "sqlite" else 2)
    )
    assert kills, "no kill landed before an ingest finished"
    out = run_ingest(v2, data, chroma_url)
    assert "0 failed" in out
    with open_kb(data, chroma_url) as kb:
        assert_converged(kb, clean)
        assert kb.count() == len(clean)
        assert not kb.state().leftovers()
