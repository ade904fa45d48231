"""A TCP relay in front of Redis that a test cuts, restores or freezes: a restart of Redis or a
network outage, without touching the real server other tests share; it can also add latency."""

from __future__ import annotations

import asyncio
import contextlib


class RedisRelay:
    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 6379, latency_s: float = 0.0
    ) -> None:
        self.target = (host, port)
        self.latency_s = latency_s  # added to every chunk, each way
        self.port = 0  # chosen at the first start, kept across restores
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.WriteTransport] = set()
        self._relays: set[asyncio.Task[None]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Drop every connection and refuse new ones until ``start`` is called again."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in self._transports:
            transport.abort()
        self._flowing.set()  # a frozen relay lets its copies notice the abort
        await asyncio.gather(*self._relays, return_exceptions=True)

    def freeze(self) -> None:
        """Stop passing bytes without closing anything: a connection gone silent."""
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._relays.add(task)
        self._transports.add(writer.transport)
        upstream: asyncio.StreamWriter | None = None
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
            self._transports.add(upstream.transport)
            await asyncio.gather(self._copy(reader, upstream), self._copy(upstream_reader, writer))
        except OSError:
            pass
        finally:
            for end in (writer, upstream):
                if end is not None:
                    end.transport.abort()
                    self._transports.discard(end.transport)
            self._relays.discard(task)

    async def _copy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                if self.latency_s:
                    await asyncio.sleep(self.latency_s)
                await self._flowing.wait()
                if writer.transport.is_closing():
                    break
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
