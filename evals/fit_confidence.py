"""Fits the retrieval-confidence model on the retrieval set's dev split and checks it on test.

Run from the repository root: ``python -m evals.fit_confidence``; it rewrites
knowledge/confidence.json.
A question counts as answered when it is answerable and the top hybrid result is one of its gold
documents: the confidence estimates "the top passage answers this", not "this is on topic".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from evals.retrieval import RETRIEVAL_SET, RetrievalCase, load_cases
from knowledge.base import SAMPLE_HELPCENTRE, KnowledgeBase, open_knowledge_base
from knowledge.confidence import COEFFICIENTS, FEATURES, ConfidenceModel


def observations(kb: KnowledgeBase, cases: list[RetrievalCase]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for case in cases:
        ranking = kb.retriever.rank(case.query)
        result = kb.search(case.query, 1)
        top = result.passages[0].doc_id if result.passages else None
        rows.append([ranking.features.get(name, 0.0) for name in FEATURES])
        labels.append(float(case.answerable and top in case.gold))
    return np.array(rows, dtype=np.float64), np.array(labels)


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Newton's method on the L2-penalised log loss; column 0 of ``x`` is the intercept."""
    beta = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ beta)))
        grad = x.T @ (p - y) + penalty @ beta
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def choose_threshold(
    model: ConfidenceModel, x: np.ndarray, answerable: np.ndarray, keep_out: float
) -> float:
    """The lowest threshold (from 0.5) keeping ``keep_out`` of unanswerable questions below.

    A confident answer to a question the help centre does not cover is worse than offering a
    person, so the threshold sits above the calibrated 0.5 when near-topic unanswerable questions
    score high.
    """
    p = np.array([model.probability(dict(zip(FEATURES, row, strict=True))) for row in x])
    for threshold in np.arange(0.5, 0.9, 0.01):
        if np.mean(p[~answerable] < threshold) >= keep_out:
            return round(float(threshold), 2)
    return 0.9


def evaluate(
    model: ConfidenceModel, x: np.ndarray, y: np.ndarray, answerable: np.ndarray
) -> dict[str, float]:
    p = np.array([model.probability(dict(zip(FEATURES, row, strict=True))) for row in x])
    eps = 1e-9
    return {
        "n": float(len(y)),
        "log_loss": float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))),
        "brier": float(np.mean((p - y) ** 2)),
        "threshold": model.threshold,
        "answered_correctly_above_threshold": float(np.mean(p[y == 1] >= model.threshold))
        if (y == 1).any()
        else 0.0,
        "accuracy@threshold": float(np.mean((p >= model.threshold) == (y == 1))),
        "unanswerable_below_threshold": float(np.mean(p[~answerable] < model.threshold))
        if (~answerable).any()
        else 1.0,
        "max_unanswerable": float(p[~answerable].max()) if (~answerable).any() else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=RETRIEVAL_SET)
    parser.add_argument("--output", type=Path, default=COEFFICIENTS)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument(
        "--keep-out",
        type=float,
        default=0.7,
        help="share of dev unanswerable questions the threshold must keep below it",
    )
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_knowledge_base(data_dir=Path(tmp), collection="fit") as kb,
    ):
        kb.ingest(SAMPLE_HELPCENTRE)
        dev, test = load_cases(args.cases, split="dev"), load_cases(args.cases, split="test")
        x_dev, y_dev = observations(kb, dev)
        x_test, y_test = observations(kb, test)
    mean, scale = x_dev.mean(axis=0), x_dev.std(axis=0) + 1e-6
    design = np.hstack([np.ones((len(x_dev), 1)), (x_dev - mean) / scale])
    beta = fit_logistic(design, y_dev, l2=args.l2)
    model = ConfidenceModel(
        weights={n: float(w) for n, w in zip(FEATURES, beta[1:], strict=True)},
        intercept=float(beta[0]),
        mean={n: float(v) for n, v in zip(FEATURES, mean, strict=True)},
        scale={n: float(v) for n, v in zip(FEATURES, scale, strict=True)},
    )
    answerable_dev = np.array([c.answerable for c in dev])
    model = replace(model, threshold=choose_threshold(model, x_dev, answerable_dev, args.keep_out))
    report = {
        "dev": evaluate(model, x_dev, y_dev, np.array([c.answerable for c in dev])),
        "test": evaluate(model, x_test, y_test, np.array([c.answerable for c in test])),
    }
    payload = model.to_json() | {
        "fitted_on": "evals/data/retrieval_set.jsonl split=dev",
        "report": report,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
