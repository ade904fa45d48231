"""JSONL input and output for the batch commands: line-numbered errors, no half-written files."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from knowledge.jsonl import numbered_objects


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
        for line in numbered_objects(handle):
            if line.value is None:
                raise CommandError(f"{path}:{line.number}: {line.problem}")
            for key in required:
                if key not in line.value:
                    raise CommandError(f"{path}:{line.number}: missing field {key!r}")
            yield line.number, line.value


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
