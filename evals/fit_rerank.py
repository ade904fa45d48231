"""Fits the second-stage article ranker on the retrieval set's dev split and reports before/after.

Run from the repository root: ``python -m evals.fit_rerank``; it rewrites knowledge/rerank.json and
prints hit@1, hit@5 and MRR of the fused first stage ("fused") and of the reranked order
("hybrid") on the dev split, the test split and the held-out set (evals/data/retrieval_heldout.jsonl,
written before the ranker existed and never used to fit it). Refit the retrieval confidence
afterwards (``python -m evals.fit_confidence``): its features include the ranker's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from evals.retrieval import RETRIEVAL_SET, RetrievalCase, load_cases, score_mode
from knowledge.base import SAMPLE_HELPCENTRE, KnowledgeBase, open_knowledge_base
from knowledge.query import search_text
from knowledge.rerank import FEATURES, WEIGHTS, Reranker

HELD_OUT = Path(__file__).parent / "data" / "retrieval_heldout.jsonl"
Group = tuple[np.ndarray, np.ndarray]  # one question's candidate rows and which of them are gold


def groups(kb: KnowledgeBase, cases: list[RetrievalCase]) -> list[Group]:
    """Per answerable question with a gold article among the candidates: (rows, is_gold)."""
    out = []
    for case in cases:
        if not case.answerable:
            continue
        ranking = kb.retriever.rank(search_text(case.query))
        gold = np.array([doc in case.gold for doc in ranking.candidates], dtype=np.float64)
        if gold.any():
            out.append((ranking.rows, gold))
    return out


def fit_listwise(
    data: list[Group], *, l2: float, steps: int = 3000, rate: float = 0.1
) -> np.ndarray:
    """Gradient descent on the softmax (listwise) loss: each question's gold articles should take
    the probability mass among its candidates. L2 keeps weights small on a small set."""
    w = np.zeros(len(FEATURES))
    for _ in range(steps):
        grad = l2 * w
        for rows, gold in data:
            p = Reranker.probabilities(rows @ w)
            target = gold / gold.sum()
            grad += rows.T @ (p - target) / len(data)
        w -= rate * grad
    return w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=RETRIEVAL_SET)
    parser.add_argument("--held-out", type=Path, default=HELD_OUT)
    parser.add_argument("--output", type=Path, default=WEIGHTS)
    parser.add_argument("--l2", type=float, default=0.01)
    args = parser.parse_args(argv)
    sets = {
        "dev": load_cases(args.cases, split="dev"),
        "test": load_cases(args.cases, split="test"),
        "held_out": load_cases(args.held_out),
    }
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_knowledge_base(data_dir=Path(tmp), collection="fit") as kb,
    ):
        kb.ingest(SAMPLE_HELPCENTRE)
        weights = fit_listwise(groups(kb, sets["dev"]), l2=args.l2)
        kb.retriever.reranker = Reranker(weights)
        report = {
            name: {mode: score_mode(kb, cases, mode=mode) for mode in ("fused", "hybrid")}
            for name, cases in sets.items()
        }
    payload = Reranker(weights).to_json() | {
        "fitted_on": "evals/data/retrieval_set.jsonl split=dev",
        "l2": args.l2,
        "report": report,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
