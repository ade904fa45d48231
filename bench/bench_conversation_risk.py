"""How well the conversation risk ranks the eval scenarios that should reach a person above the
ones that should not (AUROC of ``max_risk`` from replay), with the offline analyzer.

    .venv/bin/python bench/bench_conversation_risk.py
"""

from __future__ import annotations

from pathlib import Path

import yaml

from agent.policy.escalation import load_policy
from agent.replay import replay_conversation
from agent.sentiment.offline import OfflineAnalyzer

SCENARIOS = Path(__file__).resolve().parent.parent / "evals" / "scenarios"


def auroc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def main() -> None:
    analyzer, policy = OfflineAnalyzer.load(), load_policy()
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


if __name__ == "__main__":
    main()
