"""Builds the chat model (OpenAI or an OpenAI-compatible server) from Settings, or None."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI

from agent.settings import Settings

# ChatOpenAI refuses to start without a key; local servers (Ollama, vLLM, llama.cpp) ignore it.
PLACEHOLDER_API_KEY = "not-needed"


class PerLoopAsyncClient(httpx.AsyncClient):
    """An async HTTP client that keeps one connection pool per event loop.

    ChatOpenAI otherwise shares one cached ``httpx.AsyncClient`` across the process; its pooled
    connections belong to the loop that opened them, so a second loop (a new test, a new worker
    thread running ``asyncio.run``) fails with "Event loop is closed". Delegating each request to
    a client made for the running loop keeps every loop on its own connections.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client_kwargs = kwargs
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        loop = asyncio.get_running_loop()
        client = self._by_loop.get(loop)
        if client is None:
            client = httpx.AsyncClient(**self._client_kwargs)
            self._by_loop[loop] = client
        return await client.send(request, **kwargs)

    async def aclose(self) -> None:
        client = self._by_loop.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
        await super().aclose()


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when neither a key nor a base URL is set.

    Nothing here counts tokens: tiktoken would download its encoding at first use.
    """
    if not settings.chat_model_configured:
        return None
    api_key = (
        settings.openai_api_key.get_secret_value()
        if settings.openai_api_key is not None
        else PLACEHOLDER_API_KEY
    )
    timeout = httpx.Timeout(settings.chat_timeout_s)
    return ChatOpenAI(
        model=settings.chat_model,
        api_key=api_key,  # type: ignore[arg-type]
        base_url=settings.openai_base_url,
        timeout=settings.chat_timeout_s,
        max_retries=settings.chat_max_retries,
        # The responder streams through .stream(); structured output (a tool call) comes whole.
        disable_streaming="tool_calling",
        # Our own clients: a private sync pool, and an async one that is safe across event loops.
        http_client=httpx.Client(timeout=timeout, follow_redirects=True),
        http_async_client=PerLoopAsyncClient(timeout=timeout, follow_redirects=True),
    )
