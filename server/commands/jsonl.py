"""JSONL input and output for the batch commands: line-numbered errors, no half-written files."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class CommandError(Exception):
    """A user-facing failure: the CLI prints ``tideline: <message>`` and exits with status 2."""


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def read_jsonl(
    path: Path, *, required: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line; raise CommandError on a bad line.

    Batch commands stop at the first malformed line (and write no output): a half-processed batch
    silently missing rows is worse than a clear stop.
    """
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise CommandError(f"{path}:{number}: expected a JSON object")
            for key in required:
                if key not in obj:
                    raise CommandError(f"{path}:{number}: missing field {key!r}")
            yield number, obj


@contextmanager
def atomic_jsonl_writer(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and move it into place only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_line(handle: IO[str], obj: dict[str, Any]) -> None:
    handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
