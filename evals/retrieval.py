"""Retrieval metrics on the project's retrieval set: hit@1, hit@5 and MRR per ranking mode."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from knowledge.jsonl import numbered_objects
from knowledge.types import RetrievalResult

RETRIEVAL_SET = Path(__file__).parent / "data" / "retrieval_set.jsonl"
MODES = ("bm25", "dense", "fused", "hybrid")  # fused: before the second-stage reranker


@dataclass(frozen=True)
class RetrievalCase:
    id: str
    query: str
    gold: tuple[str, ...]
    answerable: bool
    split: str
    style: str = ""


class ModalSearch(Protocol):
    def search(self, query: str, k: int = 5, *, mode: Any = "hybrid") -> RetrievalResult: ...


def load_cases(path: Path = RETRIEVAL_SET, *, split: str | None = None) -> list[RetrievalCase]:
    cases = []
    for line in numbered_objects(path.read_text(encoding="utf-8").splitlines()):
        number, obj = line.number, line.value
        try:
            if obj is None:
                raise ValueError(line.problem)
            case = RetrievalCase(
                id=str(obj["id"]),
                query=str(obj["query"]),
                gold=tuple(obj.get("gold") or ()),
                answerable=bool(obj["answerable"]),
                split=str(obj.get("split", "")),
                style=str(obj.get("style", "")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: bad retrieval case ({exc})") from None
        if split is None or case.split == split:
            cases.append(case)
    return cases


def first_gold_rank(result: RetrievalResult, gold: Iterable[str]) -> int | None:
    """1-based rank of the first passage whose document is gold, or None."""
    wanted = set(gold)
    for rank, passage in enumerate(result.passages, start=1):
        if passage.doc_id in wanted:
            return rank
    return None


def score_mode(
    kb: ModalSearch, cases: list[RetrievalCase], *, mode: str = "hybrid", k: int = 5
) -> dict[str, float]:
    """hit@1, hit@5 and MRR (over the top k) on the answerable cases."""
    ranks = []
    for case in cases:
        if case.answerable and case.gold:
            ranks.append(first_gold_rank(kb.search(case.query, k, mode=mode), case.gold))
    n = max(len(ranks), 1)
    return {
        "n": float(len(ranks)),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None) / n,
    }


def score_all(
    kb: ModalSearch, cases: list[RetrievalCase], *, k: int = 5
) -> dict[str, dict[str, float]]:
    return {mode: score_mode(kb, cases, mode=mode, k=k) for mode in MODES}


def confidence_separation(kb: ModalSearch, cases: list[RetrievalCase]) -> dict[str, float]:
    """How confidence splits answerable from unanswerable questions (means; max of the latter)."""
    yes: list[float] = []
    no: list[float] = []
    for case in cases:
        (yes if case.answerable else no).append(kb.search(case.query, 5).confidence)
    return {
        "mean_answerable": sum(yes) / max(len(yes), 1),
        "mean_unanswerable": sum(no) / max(len(no), 1),
        "max_unanswerable": max(no, default=0.0),
    }
