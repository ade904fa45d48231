"""Scenario files: the shipped suite is valid; bad files are refused naming file and field."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.scenarios import SCENARIO_DIR, ScenarioError, load_scenarios

HELPCENTRE = Path(__file__).resolve().parents[2] / "knowledge" / "helpcentre"
GOOD = """\
id: {id}
tags: [faq]
weight: 2
persona: calm customer
turns: ["how do I reset my password?"]
expect:
  escalation: {{should: false}}
  retrieval: [{{turn: 1, gold: [password-reset]}}]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_suite_covers_every_kind_of_conversation() -> None:
    doc_ids = {p.stem for p in HELPCENTRE.glob("*.md")} - {"README"}
    scenarios = load_scenarios(known_doc_ids=doc_ids)
    assert len(scenarios) >= 80
    tags = Counter(t for s in scenarios for t in s.tags)
    for kind in (
        "faq",
        "slow-decline",
        "sudden-anger",
        "explicit-request",
        "sarcasm",
        "polite-furious",
        "hedged",
        "repeat-contact",
        "unanswerable",
        "recovery",
        "other-language",
        "prompt-injection",
    ):
        assert tags[kind] >= 2, kind
    # FAQs are most of ordinary traffic, so most of the weight.
    weight = sum(s.weight for s in scenarios)
    assert sum(s.weight for s in scenarios if "faq" in s.tags) / weight > 0.6
    assert any(s.escalation.must for s in scenarios)


def test_a_good_file_loads(tmp_path: Path) -> None:
    [scenario] = load_scenarios([write(tmp_path, "a.yaml", GOOD.format(id="a"))])
    assert scenario.id == "a" and scenario.expect.retrieval[0].k == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.format(id="x").replace("weight: 2", "wieght: 2"), "wieght: unknown field"),
        (GOOD.format(id="x").replace("turn: 1,", "turn: 4,"), "expect.retrieval[0].turn: turn 4"),
        (
            GOOD.format(id="x").replace("{should: false}", "{should: false, must: true}"),
            "must: true needs should: true",
        ),
        (
            GOOD.format(id="x").replace("{should: false}", "{should: true, rules: [frustated]}"),
            "unknown rule 'frustated'",
        ),
        (GOOD.format(id="x").replace("weight: 2", "weight: 0"), "weight"),
        (GOOD.format(id="x").replace("persona: calm customer\n", ""), "persona: required"),
        ("id: [unclosed", "not valid YAML at line 1"),
        ("", "the file is empty"),
    ],
)
def test_bad_files_name_the_file_and_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_scenarios([path])
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_duplicate_ids_and_unknown_articles_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.format(id="same"))
    write(tmp_path, "b.yaml", GOOD.format(id="same"))
    with pytest.raises(ScenarioError, match="already used"):
        load_scenarios([tmp_path])
    with pytest.raises(ScenarioError, match="unknown doc id 'password-reset'"):
        load_scenarios([tmp_path / "a.yaml"], known_doc_ids={"refunds-policy"})


def test_missing_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenarios([tmp_path / "nope.yaml"])
    with pytest.raises(ScenarioError, match="no scenario files"):
        load_scenarios([tmp_path])
    assert SCENARIO_DIR.is_dir()
