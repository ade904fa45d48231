"""How well the conversation risk ranks conversations that end badly above those that end well
(AUROC of ``max_risk`` from replay), with the offline analyzer reading the MiniLM vector as a live
turn does, and how many calm ones it hands over.

On the eval scenarios (should reach a person vs should not), on the labelled conversations
(evals/data/labelled_conversations.jsonl: ended badly vs ended well, per split) and on the calm
multidomain messages (each one a conversation of one turn, through the real policy).

    .venv/bin/python bench/bench_conversation_risk.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml

from agent.message_vectors import QueryVectors
from agent.policy.escalation import EscalationPolicy, load_policy
from agent.replay import replay_conversation
from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.reading import SentimentAnalyzer
from knowledge.embeddings import default_embedder

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "evals" / "scenarios"
LABELLED = ROOT / "evals" / "data" / "labelled_conversations.jsonl"
CALM = ROOT / "evals" / "data" / "calm_multidomain.jsonl"


def auroc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def scenarios(analyzer: SentimentAnalyzer, policy: EscalationPolicy) -> None:
    positives: list[float] = []
    negatives: list[float] = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        turns = [
            {"speaker": "customer", "text": t if isinstance(t, str) else t["text"]}
            for t in scenario["turns"]
        ]
        out = replay_conversation(
            {"conversation_id": scenario["id"], "turns": turns}, analyzer=analyzer, policy=policy
        )
        expected = scenario.get("expect", {}).get("escalation", {})
        bad = bool(expected.get("should") or expected.get("must"))
        (positives if bad else negatives).append(out["max_risk"])
    print(
        f"scenarios: {len(positives)} should reach a person, {len(negatives)} should not; "
        f"AUROC of max_risk {auroc(positives, negatives):.3f}"
    )


def labelled(analyzer: SentimentAnalyzer, policy: EscalationPolicy) -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    for split in ("fit", "held_out", None):
        chosen = [r for r in rows if split is None or r["split"] == split]
        outs = [(r, replay_conversation(r, analyzer=analyzer, policy=policy)) for r in chosen]
        bad = [o["max_risk"] for r, o in outs if r["outcome"] == "bad"]
        good = [o["max_risk"] for r, o in outs if r["outcome"] == "good"]
        good_handed = sum(o["escalated"] for r, o in outs if r["outcome"] == "good")
        bad_handed = sum(o["escalated"] for r, o in outs if r["outcome"] == "bad")
        print(
            f"labelled {split or 'all'}: {len(bad)} ended badly, {len(good)} ended well; "
            f"AUROC of max_risk {auroc(bad, good):.3f}; handed over: "
            f"{good_handed}/{len(good)} ended well ({good_handed / len(good):.1%}), "
            f"{bad_handed}/{len(bad)} ended badly ({bad_handed / len(bad):.1%})"
        )
        if split is None:
            wrong = Counter(r["kind"] for r, o in outs if o["escalated"] != (r["outcome"] == "bad"))
            print("  misjudged by kind: " + ", ".join(f"{k} {n}" for k, n in wrong.most_common()))


def calm(analyzer: SentimentAnalyzer, policy: EscalationPolicy) -> None:
    rows = [json.loads(line) for line in CALM.read_text(encoding="utf-8").splitlines()]
    rules: Counter[str] = Counter()
    for row in rows:
        conv = {
            "conversation_id": row["id"],
            "turns": [{"speaker": "customer", "text": row["text"]}],
        }
        out = replay_conversation(conv, analyzer=analyzer, policy=policy)
        if out["escalated"]:
            rules[out["turns"][0]["decision"]["rule"]] += 1
    total = sum(rules.values())
    detail = ", ".join(f"{rule} {n}" for rule, n in rules.most_common()) or "none"
    print(f"calm messages handed over: {total}/{len(rows)} ({total / len(rows):.1%}; {detail})")


def main() -> None:
    analyzer = OfflineAnalyzer.load(encoder=QueryVectors(default_embedder()))
    policy = load_policy()
    scenarios(analyzer, policy)
    labelled(analyzer, policy)
    calm(analyzer, policy)


if __name__ == "__main__":
    main()
