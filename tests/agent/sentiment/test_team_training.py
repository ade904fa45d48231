"""`tideline sentiment train` adapts the shipped reader to a team's own language and gains on it.

The team here runs support for an online game; its players write in slang the shipped reader has
never seen ("the servers are cooked" is a complaint, "the devs cooked with this one" is praise).
The messages are built from phrases and openers written for this test; the command holds out a
fifth of them by a hash of their text and reports the shipped reader's and the adapted reader's
macro-recall on those.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.sentiment.model import SentimentModel
from agent.sentiment.offline import OfflineAnalyzer
from tests.agent.sentiment.test_sentiment_cli import run

NEGATIVE = [
    "the servers are cooked again",
    "this patch is mid",
    "rubberbanding nonstop in every match",
    "desync again on the new map",
    "hitreg is busted since the update",
    "queue times are cooked",
    "matchmaking is so mid right now",
    "the new skin bundle is a cash grab",
]
POSITIVE = [
    "the devs cooked with this one",
    "this patch goes hard",
    "W update, no notes",
    "the new map is goated",
    "netcode feels crisp now",
    "huge W for the dev team",
    "ranked finally slaps",
    "the event rewards go crazy",
]
NEUTRAL = [
    "when does season 4 drop",
    "is crossplay on for ranked",
    "how do I link my console account",
    "what time is the maintenance tomorrow",
    "does the battle pass carry over",
    "which region server am I on",
    "can I change my gamertag for free",
    "where do I redeem a code",
]
OPENERS = ["", "ngl ", "honestly ", "yo ", "ok so ", "tbh ", "bro ", "lowkey "]


def team_file(folder: Path) -> Path:
    rows = [
        {"text": opener + phrase, "label": label}
        for label, phrases in (("negative", NEGATIVE), ("positive", POSITIVE), ("neutral", NEUTRAL))
        for phrase in phrases
        for opener in OPENERS
    ]
    path = folder / "game_tickets.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.timeout(900)  # cross-validated fits; minutes on a loaded 2-core machine
def test_training_on_a_teams_messages_gains_clearly_on_its_held_out_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_path = tmp_path / "game.npz"
    assert run(["train", "--input", str(team_file(tmp_path)), "--output", str(model_path)]) == 0
    out = capsys.readouterr().out
    after = float(re.search(r"held-out macro-recall ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    before = float(re.search(r"shipped reader on the same held-out rows: ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    assert after >= before + 0.15, out
    assert after >= 0.8, out

    adapted = OfflineAnalyzer(SentimentModel.load(model_path))
    assert adapted.model.joint_sentiment is not None  # the vector-reading head was adapted too
    assert adapted.model.metadata["adapted_to"]["rows"] > 150  # type: ignore[index]
