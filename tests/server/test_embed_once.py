"""Embed once: a live turn embeds the customer's message a single time for sentiment and retrieval."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from agent.bot import SupportBot
from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.message_vectors import QueryVectors, SharedMessageVectors
from agent.policy.escalation import load_policy
from agent.responders.grounded import GroundedResponder
from agent.sentiment.offline import OfflineAnalyzer
from knowledge import KnowledgeBase
from knowledge.confidence import ConfidenceModel
from server.runtime import build_reading
from server.settings import ServerSettings


class CountingEmbedder:
    """The real MiniLM embedder, counting the texts it is asked to embed (the boundary under test)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.texts: list[str] = []
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.inner.name  # type: ignore[attr-defined,no-any-return]

    @property
    def dim(self) -> int:
        return self.inner.dim  # type: ignore[attr-defined,no-any-return]

    @property
    def fingerprint(self) -> str:
        # The same vectors as the store's: opening it must not re-embed the help centre.
        return self.inner.fingerprint  # type: ignore[attr-defined,no-any-return]

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self.texts.extend(texts)
        return self.inner.embed(texts)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def counted(sample_kb: KnowledgeBase) -> tuple[KnowledgeBase, CountingEmbedder]:
    embedder = CountingEmbedder(sample_kb.embedder)
    kb = KnowledgeBase(
        sample_kb.client, sample_kb.name, embedder, confidence=ConfidenceModel.load()
    )
    return kb, embedder


def _bot(kb: KnowledgeBase, tmp_path: Path) -> SupportBot:
    analyzer, retriever = build_reading(ServerSettings(data_dir=tmp_path), kb, None)
    deps = TurnDependencies(
        analyzer=analyzer,
        retriever=retriever,
        policy=load_policy(None),
        responder=GroundedResponder(),
        queue=InMemoryHandoffQueue(),
    )
    return SupportBot(deps)


def test_a_turn_embeds_the_message_once_for_sentiment_and_retrieval(
    counted: tuple[KnowledgeBase, CountingEmbedder], tmp_path: Path
) -> None:
    kb, embedder = counted
    bot = _bot(kb, tmp_path)
    first = bot.take_turn("c-embed-once", "Hi there, how long does a refund take to reach my card?")
    second = bot.take_turn(
        "c-embed-once", "It has been three weeks and still nothing, this is ridiculous"
    )

    # One vector per customer message, of the text retrieval searches for (greeting removed).
    assert embedder.texts == [
        "how long does a refund take to reach my card?",
        "It has been three weeks and still nothing, this is ridiculous",
    ]
    assert first.retrieval.passages, "retrieval still answers from the shared vector"
    assert second.reading.label == "negative"


def test_the_shared_vector_finds_what_retrieval_alone_finds(
    counted: tuple[KnowledgeBase, CountingEmbedder], tmp_path: Path
) -> None:
    kb, embedder = counted
    question = "Hello! Can I return a thermostat I bought last month?"
    alone = kb.search(question, k=4)
    with_shared = _bot(kb, tmp_path).take_turn("c-same-passages", question).retrieval
    assert [p.chunk_id for p in with_shared.passages] == [p.chunk_id for p in alone.passages]
    assert with_shared.confidence == pytest.approx(alone.confidence, abs=1e-4)


def test_the_reader_reads_the_vector_it_shares(
    counted: tuple[KnowledgeBase, CountingEmbedder], tmp_path: Path
) -> None:
    kb, embedder = counted
    analyzer, _ = build_reading(ServerSettings(data_dir=tmp_path), kb, None)
    assert isinstance(analyzer, OfflineAnalyzer) and analyzer.reads_vectors
    assert isinstance(analyzer.encoder, SharedMessageVectors)
    # The same vector the knowledge base would compute for the message.
    text = "Thanks! And where do I find my invoice?"
    shared = analyzer.encoder.encode([text])[0]
    direct = QueryVectors(kb.embedder).encode([text])[0]
    assert np.allclose(shared, direct, atol=1e-5)


def test_concurrent_readers_of_one_message_share_one_computation(
    counted: tuple[KnowledgeBase, CountingEmbedder],
) -> None:
    kb, embedder = counted
    shared = SharedMessageVectors(QueryVectors(kb.embedder))
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: results.append(shared.vector("my parcel never came")))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert embedder.texts == ["my parcel never came"]
    assert all(np.array_equal(r, results[0]) for r in results)
