"""The learned reader on the shipped weights: support language read the way a support lead reads it.

None of these messages is in the training data; they were written for this test.
"""

from __future__ import annotations

import pytest

from agent.sentiment.model import SentimentModel
from agent.sentiment.offline import DEFAULT_MODEL_PATH, OfflineAnalyzer

CLEARLY_NEGATIVE = [
    "I've been waiting two weeks for my refund and nobody replies to my emails.",
    pytest.param(
        "Your update deleted all my saved playlists and support keeps closing my ticket.",
        marks=pytest.mark.xfail(
            reason="known miss: a complaint told as a flat report of events reads mildly positive "
            "(MODEL_CARD.md, Limits)",
            strict=True,
        ),
    ),
    "The replacement charger you sent is broken as well.",
    "I was billed three times this month and I still can't get into my account.",
    "Dear Sir or Madam, despite four reminders the credit owed to us has still not been paid.",
    "my delivery is a week late and the tracking link is dead",
]
CALM_TASKS = [
    "Could you tell me how to update the billing address on my account?",
    "I'm flying out on Monday, can I add a second bag to the booking?",
    "Please cancel my gym membership from the end of next month.",
    "What time does the help desk open on Saturdays?",
    "Can I charge my car at the hotel overnight?",
    "Where do I find the serial number on the router?",
]


def test_the_shipped_reader_reads_sentence_vectors() -> None:
    model = SentimentModel.load(DEFAULT_MODEL_PATH)
    assert model.encoder == "all-MiniLM-L6-v2"
    assert model.joint_sentiment is not None and model.joint_sentiment.vector_weights is not None
    assert model.joint_sentiment.vector_weights.shape == (3, 384)


def test_a_reader_refuses_vectors_of_another_encoder() -> None:
    class OtherEncoder:
        name = "text-embedding-3-small"

        def encode(self, texts: object) -> object:
            raise AssertionError("never called")

    with pytest.raises(ValueError, match="all-MiniLM-L6-v2"):
        OfflineAnalyzer.load(encoder=OtherEncoder())  # type: ignore[arg-type]


@pytest.mark.parametrize("text", CLEARLY_NEGATIVE)
def test_clearly_negative_support_messages_read_negative(
    offline_analyzer: OfflineAnalyzer, text: str
) -> None:
    reading = offline_analyzer.analyze(text)
    assert reading.label == "negative", reading
    assert reading.score < -0.2


@pytest.mark.parametrize("text", CALM_TASKS)
def test_calm_task_language_reads_neutral(offline_analyzer: OfflineAnalyzer, text: str) -> None:
    reading = offline_analyzer.analyze(text)
    assert reading.label == "neutral", reading
    assert reading.frustration < 0.5


def test_without_an_encoder_the_plain_heads_still_read_sensibly() -> None:
    plain = OfflineAnalyzer.load()
    assert not plain.reads_vectors
    texts = [t if isinstance(t, str) else str(t.values[0]) for t in CLEARLY_NEGATIVE]
    negatives = [plain.analyze(t).label for t in texts]
    calm = [plain.analyze(t).label for t in CALM_TASKS]
    assert negatives.count("negative") >= 4 and calm.count("neutral") >= 4
