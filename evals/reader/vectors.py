"""Message vectors for training and measuring the reader, cached on disk by a hash of each text.

Embedding 54,000 GoEmotions comments takes minutes on two busy cores; the cache (a gitignored
``.cache/sentiment/`` file per encoder) makes every later run of the training and measurement
commands start in seconds. Vectors are stored as float16: far finer than the noise of the labels.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge.query import search_text

DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "sentiment"
CHUNK = 256


def live_encoder(
    *, threads: int = 2, model_cache: Path | None = None
) -> Callable[[list[str]], np.ndarray]:
    """The vectors a live turn computes: MiniLM of the message's search text (docs/sentiment.md)."""
    from knowledge.embeddings import LocalMiniLMEmbedder

    embedder = LocalMiniLMEmbedder(threads=threads, cache_dir=model_cache)

    def encode(texts: list[str]) -> np.ndarray:
        return embedder.embed([search_text(t) for t in texts])

    return encode


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class VectorCache:
    """Vectors by text, loaded from and saved to one ``.npz`` file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[bytes, np.ndarray] = {}
        # Sibling files (``NAME.*.npz``, e.g. from embedding runs in parallel) are read as well.
        for source in [path, *sorted(path.parent.glob(f"{path.stem}.*.npz"))]:
            if not source.is_file() or source.name.endswith(".part.npz"):
                continue
            with np.load(source) as data:
                for key, row in zip(data["keys"], data["vectors"], strict=True):
                    self.known[key.tobytes()] = row

    def vectors(
        self,
        texts: Sequence[str],
        encode: Callable[[list[str]], np.ndarray],
        *,
        progress: bool = True,
    ) -> np.ndarray:
        missing = sorted({t for t in texts if _key(t) not in self.known}, key=len)
        bar = tqdm(
            total=len(missing), unit="msg", desc="embedding", disable=not progress, file=sys.stderr
        )
        with bar:
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start : start + CHUNK]
                for text, row in zip(chunk, encode(chunk), strict=True):
                    self.known[_key(text)] = row.astype(np.float16)
                bar.update(len(chunk))
                if start // CHUNK % 40 == 39:
                    self.save()  # a long first run keeps what it has done if it is stopped
        if missing:
            self.save()
        return (
            np.stack([self.known[_key(t)].astype(np.float32) for t in texts])
            if texts
            else np.zeros((0, 0), np.float32)
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Raw digest bytes as uint8 rows: a bytes dtype would drop trailing zero bytes.
        keys = np.frombuffer(b"".join(self.known), dtype=np.uint8).reshape(-1, 20)
        tmp = self.path.with_suffix(".part.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self.known.values())))
        tmp.replace(self.path)
