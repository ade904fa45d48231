"""Predicted satisfaction from a conversation's arc: the shipped model, its file and its fitting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.quality.arc import ArcShape, ConversationArc, measure_arc
from agent.quality.fit import Rated, TooFewRatings, train_and_measure
from agent.quality.model import (
    SatisfactionModel,
    SatisfactionModelError,
    load_satisfaction_model,
)
from agent.risk.model import load_risk_model
from agent.sentiment.reading import SentimentReading


def reading(
    score: float, frustration: float = 0.0, signals: tuple[str, ...] = ()
) -> SentimentReading:
    label = "negative" if score <= -0.25 else "positive" if score >= 0.25 else "neutral"
    return SentimentReading(score, label, frustration, 0.1, 0.8, signals)  # type: ignore[arg-type]


def test_an_angry_customer_who_leaves_thankful_improved_and_is_predicted_happier() -> None:
    risk = load_risk_model()
    repaired = measure_arc(
        [reading(-0.8, 0.8), reading(-0.3, 0.4), reading(0.7, 0.0, ("gratitude",))],
        risk,
        escalated=True,
        resolved=True,
    )
    soured = measure_arc(
        [reading(0.1), reading(-0.5, 0.6), reading(-0.9, 0.95, ("threat_to_cancel",))],
        risk,
        resolved=False,
    )
    assert repaired.shape is ArcShape.IMPROVED and repaired.thanked
    assert soured.shape is ArcShape.WORSENED
    assert soured.risk > repaired.risk
    model = load_satisfaction_model()
    happy, unhappy = model.predict(repaired), model.predict(soured)
    assert happy.satisfaction >= 4.0
    assert unhappy.satisfaction <= 2.0
    for prediction in (happy, unhappy):
        assert 0.05 <= prediction.confidence <= 0.95


def test_a_conversation_without_customer_messages_is_silent_and_predicted_unsure() -> None:
    arc = measure_arc([], load_risk_model())
    assert arc.shape is ArcShape.SILENT
    longer = measure_arc([reading(0.0)] * 5, load_risk_model())
    model = load_satisfaction_model()
    assert 1.0 <= model.predict(arc).satisfaction <= 5.0
    assert model.predict(arc).confidence < model.predict(longer).confidence


def test_a_model_file_fitted_on_other_features_is_refused_by_name(tmp_path: Path) -> None:
    data = load_satisfaction_model().to_dict()
    data["features"] = data["features"][:-1]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SatisfactionModelError, match="old.json: fitted on other features"):
        load_satisfaction_model(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SatisfactionModelError, match="cannot read"):
        load_satisfaction_model(path)


def _arc(exit_score: float, resolved: bool | None) -> ConversationArc:
    negativity = max(0.0, -exit_score)
    return ConversationArc(
        0.0, exit_score, negativity, negativity, negativity, False, 3, False, resolved
    )


def test_training_learns_the_ratings_and_beats_predicting_the_mean() -> None:
    # Ratings that follow the exit score: 1 star at -1 ... 5 stars at +1.
    rated = [
        Rated(f"c{i:02d}", _arc(score, score > 0), round(3 + 2 * score))
        for i, score in enumerate([x / 10 for x in range(-10, 11)] * 2)
    ]
    model, scores = train_and_measure(rated)
    assert scores.held_out == len(rated) // 4
    assert scores.mae < scores.baseline_mae / 2
    assert scores.within_one >= scores.baseline_within_one
    assert model.info["held_out"]["mae"] == scores.mae
    assert (
        model.predict(_arc(0.9, True)).satisfaction > model.predict(_arc(-0.9, False)).satisfaction
    )
    again = SatisfactionModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.predict(_arc(0.5, True)) == model.predict(_arc(0.5, True))


def test_too_few_ratings_is_a_clear_error() -> None:
    with pytest.raises(TooFewRatings, match="3 rated conversations; at least 12"):
        train_and_measure([Rated(str(i), _arc(0.0, None), 3) for i in range(3)])
