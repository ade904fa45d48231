"""Flag precision and recall of the outreach scan on labelled customer histories."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from agent.message_vectors import QueryVectors
from agent.outreach.history import parse_history, parse_time
from agent.outreach.policy import read_outreach_policy
from agent.outreach.scan import ScanSetup, scan_customer
from agent.sentiment.offline import OfflineAnalyzer
from knowledge.embeddings import default_embedder

DEFAULT_DATA = Path(__file__).parent / "data" / "customer_histories.jsonl"
# The labelled histories are written relative to this moment; --now keeps the run reproducible.
DEFAULT_NOW = "2026-06-01T12:00:00+00:00"


def evaluate(path: Path, now: datetime, policy_path: Path | None = None) -> dict[str, object]:
    # Messages are read as `tideline outreach scan` reads them: with the MiniLM vector.
    reader = OfflineAnalyzer.load(encoder=QueryVectors(default_embedder()))
    setup = ScanSetup(reader, read_outreach_policy(policy_path), now)
    tp = fp = fn = tn = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [right, total]
    mistakes: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        row = json.loads(raw)
        label = row["label"]
        flagged = bool(scan_customer(parse_history(row), setup)["flagged"])
        expected = bool(label["flag"])
        tp += flagged and expected
        fp += flagged and not expected
        fn += expected and not flagged
        tn += not flagged and not expected
        by_kind[label["kind"]][0] += flagged == expected
        by_kind[label["kind"]][1] += 1
        if flagged != expected:
            mistakes.append(f"{row['customer_id']} ({label['kind']}): flagged={flagged}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "customers": tp + fp + fn + tn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "mistakes": mistakes,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.outreach", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--now", default=DEFAULT_NOW)
    parser.add_argument("--policy", type=Path, default=None)
    args = parser.parse_args(argv)
    report = evaluate(args.data, parse_time(args.now, "--now"), args.policy)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
