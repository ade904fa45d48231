"""Fixtures of the responder tests: the fake OpenAI server."""

from __future__ import annotations

from tests.fakes.openai_server import _openai_server_process, openai_server  # noqa: F401
