"""Retrieval on questions wrapped in courtesy: the retrieval set's answerable questions asked bare,
after "Thanks! And …", after "Hi there, quick question: …" and before "… Thanks in advance!".

Reports hit@1, hit@5, MRR and the share the retriever judges answerable, per wrapping. The search
drops greetings and thanks (knowledge/query.py); this shows what they would otherwise cost.

    .venv/bin/python bench/bench_query_courtesy.py --data-dir /tmp/kb
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from evals.retrieval import first_gold_rank, load_cases
from knowledge import ensure_sample_loaded, open_knowledge_base

WRAPPINGS: dict[str, Callable[[str], str]] = {
    "bare": lambda q: q,
    "thanks_prefix": lambda q: "Thanks! And " + q[0].lower() + q[1:],
    "greeting_prefix": lambda q: "Hi there, quick question: " + q,
    "thanks_suffix": lambda q: q + " Thanks in advance!",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help="data dir with the sample help centre")
    args = parser.parse_args()
    cases = [c for c in load_cases() if c.answerable and c.gold]
    with tempfile.TemporaryDirectory(prefix="tideline-bench-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        with open_knowledge_base(data_dir=data_dir, collection="helpcentre") as kb:
            ensure_sample_loaded(kb, progress=True)
            result = {}
            for name, wrap in WRAPPINGS.items():
                ranks, answerable = [], 0
                for case in cases:
                    found = kb.search(wrap(case.query), k=5)
                    ranks.append(first_gold_rank(found, case.gold))
                    answerable += found.confidence >= found.answerable_threshold
                n = len(cases)
                result[name] = {
                    "hit@1": round(sum(r == 1 for r in ranks) / n, 3),
                    "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 3),
                    "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
                    "judged_answerable": round(answerable / n, 3),
                }
    print(json.dumps({"questions": len(cases), **result}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
