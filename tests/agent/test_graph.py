"""The turn graph with injected parts: parallel fan-out, checkpoint resume, streaming, bad input."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from agent.bot import SupportBot
from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.messages import InvalidMessage
from agent.policy.escalation import load_policy
from agent.responders.base import Citation, Reply, ReplyRequest, TokenSink
from agent.sentiment.reading import SentimentReading
from knowledge.types import Passage, RetrievalResult


class SlowKeywordAnalyzer:
    """Reads 'angry' as furious, anything else as neutral; records when it ran."""

    name = "keyword"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.intervals: list[tuple[float, float]] = []

    def analyze(self, text: str, context: list[str] | None = None) -> SentimentReading:
        start = time.perf_counter()
        time.sleep(self.delay)
        angry = "angry" in text
        self.intervals.append((start, time.perf_counter()))
        return SentimentReading(
            score=-0.9 if angry else 0.0,
            label="negative" if angry else "neutral",
            frustration=0.95 if angry else 0.1,
            urgency=0.5,
            confidence=0.9,
            analyzer=self.name,
        )


class OnePassageRetriever:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.intervals: list[tuple[float, float]] = []

    def search(self, query: str, k: int = 5) -> RetrievalResult:
        start = time.perf_counter()
        time.sleep(self.delay)
        self.intervals.append((start, time.perf_counter()))
        passage = Passage(
            doc_id="refunds",
            chunk_id="refunds#0",
            title="Refunds",
            section="Timing",
            text="Refunds reach your card in 5-10 business days.",
            score=0.9,
        )
        return RetrievalResult(query=query, passages=[passage], confidence=0.9)


class EchoResponder:
    name = "echo"

    def respond(self, request: ReplyRequest, on_token: TokenSink | None = None) -> Reply:
        passage = request.retrieval.passages[0]
        words = passage.text.split(" ")
        for i, word in enumerate(words):
            if on_token:
                on_token(word if i == 0 else " " + word)
        return Reply(
            text=passage.text,
            citations=[Citation(passage.doc_id, passage.chunk_id, passage.title)],
            grounded=True,
            responder=self.name,
        )


def make_deps(delay: float = 0.0) -> TurnDependencies:
    return TurnDependencies(
        analyzer=SlowKeywordAnalyzer(delay),
        retriever=OnePassageRetriever(delay),
        policy=load_policy(None),
        responder=EchoResponder(),
        queue=InMemoryHandoffQueue(),
        clock=lambda: 1_800_000_000.0,
    )


def test_sentiment_and_retrieval_run_at_the_same_time() -> None:
    deps = make_deps(delay=0.15)
    SupportBot(deps).take_turn("c1", "when will my refund arrive?")
    (a_start, a_end), (r_start, r_end) = deps.analyzer.intervals[0], deps.retriever.intervals[0]  # type: ignore[attr-defined]
    assert a_start < r_end and r_start < a_end, "sentiment and retrieval did not overlap"


def test_streamed_tokens_make_up_the_final_reply() -> None:
    tokens: list[str] = []
    result = SupportBot(make_deps()).take_turn("c1", "refund?", on_token=tokens.append)
    assert result.reply is not None
    assert "".join(tokens) == result.reply.text
    assert len(tokens) > 1
    assert result.reply.citations[0].doc_id == "refunds"


def test_a_new_process_continues_the_conversation_from_the_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.sqlite"

    def bot() -> tuple[SupportBot, sqlite3.Connection]:
        conn = sqlite3.connect(path, check_same_thread=False)
        return SupportBot(make_deps(), checkpointer=SqliteSaver(conn)), conn

    first, conn = bot()
    first.take_turn("conv-7", "where is my refund?")
    first.take_turn("conv-7", "and how long does it take?")
    conn.close()

    second, conn = bot()
    result = second.take_turn("conv-7", "thanks")
    state = second.snapshot("conv-7")
    conn.close()
    assert result.turn == 3
    assert [e["text"] for e in state["transcript"] if e["role"] == "customer"] == [
        "where is my refund?",
        "and how long does it take?",
        "thanks",
    ]
    assert len(state["readings"]) == 3 and len(state["decisions"]) == 3


def test_escalation_takes_the_handoff_edge_and_stores_the_package_first() -> None:
    deps = make_deps()
    result = SupportBot(deps).take_turn("c9", "I am so angry right now")
    assert result.handed_off and result.owner == "queued"
    packages = deps.queue.packages  # type: ignore[attr-defined]
    assert len(packages) == 1 and packages[0].conversation_id == "c9"
    assert packages[0].rationale and packages[0].summary
    assert result.reply is not None and "next in line" in result.reply.text


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_message"), ("   \n\t ", "empty_message"), ("x" * 100_000, "message_too_long")],
)
def test_bad_messages_are_refused_before_anything_is_stored(text: str, code: str) -> None:
    bot = SupportBot(make_deps())
    with pytest.raises(InvalidMessage) as caught:
        bot.take_turn("c-bad", text)
    assert caught.value.code == code
    assert bot.snapshot("c-bad") == {}


def test_control_characters_are_dropped_and_the_rest_kept() -> None:
    result = SupportBot(make_deps()).take_turn("c-ctl", "refund\x00 status\x1b please\u200b")
    assert result.message == "refund status please"


def test_a_closed_conversation_takes_no_more_turns() -> None:
    bot = SupportBot(make_deps())
    bot.take_turn("c-closed", "hello")
    # The records closed it: their owner goes into the turn.
    with pytest.raises(InvalidMessage) as caught:
        bot.take_turn("c-closed", "hello again", owner="closed")
    assert caught.value.code == "conversation_closed"


def test_concurrent_conversations_do_not_mix() -> None:
    bot = SupportBot(make_deps())
    errors: list[BaseException] = []

    def talk(cid: str) -> None:
        try:
            for i in range(3):
                bot.take_turn(cid, f"question {i} from {cid}")
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=talk, args=(f"conv-{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for n in range(4):
        texts = [e["text"] for e in bot.snapshot(f"conv-{n}")["transcript"] if e["role"] == "customer"]
        assert texts == [f"question {i} from conv-{n}" for i in range(3)]


def test_a_turn_run_again_for_the_same_message_is_the_same_turn() -> None:
    """A process killed after a turn's checkpoint but before its records runs that turn again on
    restart: the graph counts the message once, its reading and transcript entries too."""
    bot = SupportBot(make_deps())
    bot.take_turn("c-again", "where is my refund?", message_id="1")
    first = bot.take_turn("c-again", "and how long does it take?", message_id="2")
    again = bot.take_turn("c-again", "and how long does it take?", message_id="2")
    assert first.turn == again.turn == 2
    state = bot.snapshot("c-again")
    assert len(state["readings"]) == 2
    assert [e["role"] for e in state["transcript"]] == ["customer", "bot", "customer", "bot"]
    following = bot.take_turn("c-again", "thanks", message_id="3")
    assert following.turn == 3

    # The conversation's very first turn, run again, is still its first.
    bot.take_turn("c-first", "hello there", message_id="9")
    rerun = bot.take_turn("c-first", "hello there", message_id="9")
    assert rerun.turn == 1 and len(bot.snapshot("c-first")["readings"]) == 1
