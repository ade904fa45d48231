"""The desk API's JSON bodies go through the sockets' one JSON reader before any route sees them.

A body FastAPI would take (a lone surrogate in a string, nesting deep enough to exhaust the
parser) gets a plain 4xx with a reason here instead of a 500 from the database and a reset
connection.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, status
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from server.channel.json_text import UnreadableJSON, read_json

MAX_BODY_BYTES = 64 * 1024

_STATUS = {
    "frame_too_large": status.HTTP_413_CONTENT_TOO_LARGE,
    "invalid_json": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "invalid_text": status.HTTP_422_UNPROCESSABLE_CONTENT,
}


class CheckedJSONRoute(APIRoute):
    """An API route whose JSON body is read once, by ``read_json``, and refused if unreadable."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                # Refused before reading: a declared 2 GB body is not buffered to find out.
                raise HTTPException(
                    status.HTTP_413_CONTENT_TOO_LARGE,
                    detail=f"The body is over the limit of {MAX_BODY_BYTES // 1024} KB.",
                )
            body = await request.body()
            if body:
                try:
                    # FastAPI reads the parsed body from here instead of parsing it again.
                    request._json = read_json(body, max_bytes=MAX_BODY_BYTES)
                except UnreadableJSON as exc:
                    raise HTTPException(_STATUS[exc.code], detail=str(exc)) from None
            return await handler(request)

        return checked
