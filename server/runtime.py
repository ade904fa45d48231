"""Builds a running Tideline from ServerSettings: knowledge base, analyzer, policy, responder, records."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from sqlalchemy.engine import Engine

from agent.bot import SupportBot
from agent.checkpoints import open_checkpointer
from agent.dependencies import TurnDependencies
from agent.llm import build_chat_model
from agent.message_vectors import (
    MessageEncoder,
    QueryVectors,
    SharedMessageVectors,
    SharedVectorRetriever,
)
from agent.policy.escalation import EscalationPolicy, load_policy
from agent.responders.base import Responder
from agent.responders.grounded import GroundedResponder
from agent.responders.llm import LLMResponder
from agent.sentiment.llm import LLMAnalyzer
from agent.sentiment.model import SentimentModel
from agent.sentiment.offline import DEFAULT_MODEL_PATH, OfflineAnalyzer
from agent.sentiment.reading import SentimentAnalyzer
from knowledge import (
    KnowledgeBase,
    build_embedder,
    ensure_sample_loaded,
    open_knowledge_base,
)
from knowledge.types import Retriever
from server.reader_vectors import reader_encoder
from server.records.db import init_db, make_engine
from server.records.queue import SqlHandoffQueue
from server.settings import ServerSettings
from server.turns.service import ConversationService


@dataclass
class Runtime:
    settings: ServerSettings
    knowledge_base: KnowledgeBase
    analyzer: SentimentAnalyzer
    policy: EscalationPolicy
    responder: Responder
    engine: Engine
    bot: SupportBot
    conversations: ConversationService


def build_reading(
    settings: ServerSettings, knowledge: KnowledgeBase, chat_model: BaseChatModel | None
) -> tuple[SentimentAnalyzer, Retriever]:
    """A turn's analyzer and retriever. When the reader reads the vectors of the knowledge base's
    own encoder, both share one memoised vector per message: the turn embeds it once."""
    if knowledge.embedder.name == SentimentModel.load(DEFAULT_MODEL_PATH).encoder:
        vectors = SharedMessageVectors(QueryVectors(knowledge.embedder))
        return build_analyzer(settings, chat_model, vectors), SharedVectorRetriever(
            knowledge, vectors
        )
    return build_analyzer(settings, chat_model, reader_encoder(settings)), knowledge


def build_analyzer(
    settings: ServerSettings,
    chat_model: BaseChatModel | None,
    encoder: MessageEncoder | None = None,
) -> SentimentAnalyzer:
    """The LLM analyzer when a chat model is configured (the offline reader as its fallback),
    else the offline reader; ``encoder`` gives the reader the messages' sentence vectors."""
    offline = OfflineAnalyzer.load(encoder=encoder)
    if chat_model is not None and settings.use_llm_sentiment:
        return LLMAnalyzer(chat_model, fallback=offline, timeout_s=settings.sentiment_timeout_s)
    return offline


def build_responder(chat_model: BaseChatModel | None) -> Responder:
    grounded = GroundedResponder()
    if chat_model is None:
        return grounded
    return LLMResponder(chat_model, fallback=grounded)


def open_settings_knowledge_base(
    settings: ServerSettings, *, upgrade: bool = True
) -> KnowledgeBase:
    """The knowledge base the settings name, with their embedder: the one place it is opened from them.

    ``upgrade=False`` leaves vectors of another embedder in place (`kb verify` only reports them).
    """
    return open_knowledge_base(
        data_dir=settings.resolved_data_dir,
        collection=settings.collection,
        chroma_url=settings.chroma_url,
        embedder=build_embedder(
            settings.embedding_model,
            api_key=key.get_secret_value() if (key := settings.openai_api_key) else None,
            base_url=settings.openai_base_url,
            cache_dir=settings.model_cache_dir,
        ),
        upgrade=upgrade,
    )


@contextmanager
def open_runtime(
    settings: ServerSettings,
    *,
    clock: Callable[[], float] = time.time,
    load_sample: bool = True,
    progress: bool = False,
    say: Callable[[str], None] | None = None,
) -> Iterator[Runtime]:
    """Open every part on the embedded defaults (or the scale-out ones the settings name).

    ``say`` is told each step as it starts: the first start takes ~20 s (the embedding model, the
    sample help centre), and a person waiting for it should see what it is doing.
    """
    step = say or (lambda _text: None)
    with ExitStack() as stack:
        step("loading the knowledge base and its embedding model (MiniLM) …")
        kb = stack.enter_context(open_settings_knowledge_base(settings))
        if load_sample:
            if kb.count() == 0:
                step(
                    "loading the sample help centre into the knowledge base (first start, ~20 s) …"
                )
            ensure_sample_loaded(kb, progress=progress)
        step("loading the sentiment analyzer and the escalation policy …")
        chat_model = build_chat_model(settings)
        analyzer, retriever = build_reading(settings, kb, chat_model)
        policy = load_policy(settings.policy_path)
        responder = build_responder(chat_model)
        step("opening the records database …")
        engine = make_engine(settings.records_url)
        init_db(engine)
        stack.callback(engine.dispose)
        queue = SqlHandoffQueue(engine, clock=clock)
        deps = TurnDependencies(
            analyzer=analyzer,
            retriever=retriever,
            policy=policy,
            responder=responder,
            queue=queue,
            clock=clock,
        )
        checkpointer = stack.enter_context(open_checkpointer(settings))
        bot = SupportBot(deps, checkpointer=checkpointer)
        yield Runtime(
            settings=settings,
            knowledge_base=kb,
            analyzer=analyzer,
            policy=policy,
            responder=responder,
            engine=engine,
            bot=bot,
            conversations=ConversationService(bot=bot, engine=engine, clock=clock, queue=queue),
        )
