"""What search sees of a collection: each document's manifest generation, under plain chunk ids."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from chromadb.api.models.Collection import Collection
from chromadb.api.types import GetResult, Include, QueryResult

from knowledge.store.manifest import Manifest, chunk_id_of


class LiveChunks:
    """The read side of a chunk collection, for the retriever: ``count``, ``get`` and ``query``.

    Chunks of a generation the manifest does not name (a version being written, or leftovers of a
    killed ingest) are hidden, and ids come back as ``f"{doc_id}#{index}"``, so callers never see
    generations. Which stored ids are live is learnt on each ``get`` of the whole collection (the
    retriever reloads its corpus that way whenever the count moves); ``query`` asks Chroma for as
    many extra neighbours as there were hidden chunks, so hiding them never shortens a result.
    """

    def __init__(self, collection: Collection, manifest: Manifest) -> None:
        self.store = collection
        self.manifest = manifest
        self._live: dict[str, str] | None = None  # stored id -> chunk id, of live chunks
        self._stored: dict[str, str] = {}  # chunk id -> stored id
        self._hidden = 0
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.store.name

    @property
    def metadata(self) -> Any:
        return self.store.metadata

    def count(self) -> int:
        """Stored records, hidden ones included: it moves on every write, so readers reload."""
        return int(self.store.count())

    def get(
        self,
        ids: str | list[str] | None = None,
        *,
        include: Include | None = None,
        limit: int | None = None,
    ) -> GetResult:
        wanted: list[Any] = list(include) if include is not None else ["metadatas", "documents"]
        if ids is not None:
            if self._live is None:
                self._refresh(["metadatas"])
            chunk_ids = [ids] if isinstance(ids, str) else list(ids)
            stored = [self._stored[c] for c in chunk_ids if c in self._stored]
            got = self.store.get(ids=stored, include=wanted) if stored else None
            return self._relabel(got, wanted, keep=None)
        got = self._refresh(wanted)
        return self._relabel(got, wanted, keep=self._live, limit=limit)

    def query(
        self,
        query_embeddings: Any,
        *,
        n_results: int = 10,
        include: Include | None = None,
        where: Any = None,
    ) -> QueryResult:
        if self._live is None:
            self._refresh(["metadatas"])
        live = self._live or {}
        wanted: list[Any] = list(include) if include is not None else ["distances"]
        found: dict[str, Any] = dict(
            self.store.query(
                query_embeddings=query_embeddings,
                n_results=n_results + self._hidden,
                include=wanted,
                where=where,
            )
        )
        out: dict[str, Any] = {"ids": [], "included": wanted}
        for key in wanted:
            out[key] = []
        for row, stored_ids in enumerate(found["ids"]):
            # An id not seen at the last reload was written since: shown once the retriever reloads.
            keep = [i for i, sid in enumerate(stored_ids) if sid in live][:n_results]
            out["ids"].append([live[stored_ids[i]] for i in keep])
            for key in wanted:
                column = found.get(key)
                out[key].append([column[row][i] for i in keep] if column is not None else None)
        for key in ("embeddings", "documents", "metadatas", "distances", "uris", "data"):
            out.setdefault(key, None)
        return out  # type: ignore[return-value]

    def _refresh(self, include: Sequence[Any]) -> GetResult:
        """Read the manifest, then every stored record; remember which ones are live."""
        entries = self.manifest.load()
        fields = list(dict.fromkeys([*include, "metadatas"]))
        got = self.store.get(include=fields)
        live: dict[str, str] = {}
        for sid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            meta = meta or {}
            doc_id = str(meta.get("doc_id", ""))
            gen = meta.get("gen")
            entry = entries.get(doc_id)
            # Chunks from before manifests existed stay visible until their document is rewritten.
            if (entry is not None and gen == entry.gen) or (entry is None and not gen):
                live[sid] = str(meta.get("chunk_id") or chunk_id_of(sid))
        with self._lock:
            self._live = live
            self._stored = {c: s for s, c in live.items()}
            self._hidden = len(got["ids"]) - len(live)
        return got

    @staticmethod
    def _relabel(
        got: GetResult | None,
        include: list[Any],
        *,
        keep: dict[str, str] | None,
        limit: int | None = None,
    ) -> GetResult:
        out: dict[str, Any] = {"ids": [], "included": include}
        for key in include:
            out[key] = []
        columns: dict[str, Any] = dict(got) if got is not None else {"ids": []}
        for i, sid in enumerate(columns["ids"]):
            if limit is not None and len(out["ids"]) >= limit:
                break
            if keep is not None and sid not in keep:
                continue
            out["ids"].append(keep[sid] if keep is not None else chunk_id_of(sid))
            for key in include:
                column = columns.get(key)
                out[key].append(column[i] if column is not None else None)
        for key in ("embeddings", "documents", "metadatas", "uris", "data"):
            out.setdefault(key, None)
        return out  # type: ignore[return-value]
