"""Each cue fires on the support language it names and stays quiet on its look-alikes."""

from __future__ import annotations

import pytest

from agent.sentiment.cues import detect

FIRES = [
    ("explicit_human_request", "let me talk to a human"),
    ("explicit_human_request", "Can I speak with someone real please?"),
    ("explicit_human_request", "is there anyone there??"),
    ("explicit_human_request", "Transfer me to a supervisor."),
    ("explicit_human_request", "Why can't I talk to a person?"),
    ("explicit_human_request", "Quiero hablar con una persona"),
    ("repeat_contact", "This is the third time I'm writing about this."),
    ("repeat_contact", "I've contacted you three times already"),
    ("repeat_contact", "again and again the same answer"),
    ("repeat_contact", "still no answer from anyone"),
    ("repeat_contact", "I keep asking for the invoice"),
    ("elapsed_time_complaint", "outstanding for 14 business days"),
    ("elapsed_time_complaint", "I've waited two weeks"),
    ("elapsed_time_complaint", "no heating since Monday"),
    ("elapsed_time_complaint", "still waiting for the engineer"),
    ("all_caps", "WHERE IS MY ORDER"),
    ("all_caps", "I want it fixed NOW"),
    ("profanity", "this is bullshit"),
    ("profanity", "what the hell happened to my order"),
    ("sarcasm_suspected", "Oh great, another delay"),
    ("sarcasm_suspected", "thanks for nothing"),
    ("sarcasm_suspected", "I love waiting on hold"),
    ("sarcasm_suspected", "brilliant service, not"),
    ("threat_to_cancel", "Fix it or I'm cancelling my contract"),
    ("threat_to_cancel", "I'll take my business elsewhere"),
    ("chargeback_threat", "I will dispute the charge with my bank"),
    ("chargeback_threat", "I'm filing a chargeback"),
    ("legal_threat", "my lawyer will be in touch"),
    ("legal_threat", "I'll take this to small claims"),
    ("legal_threat", "I am going to sue"),
    ("legal_threat", "reporting this to trading standards and the ombudsman"),
    ("safety_concern", "the charger is smoking"),
    ("safety_concern", "it caught fire"),
    ("safety_concern", "the laptop is overheating"),
    ("safety_concern", "sparks came out of the plug"),
    ("hedged_dissatisfaction", "I guess it works"),
    ("hedged_dissatisfaction", "it's fine I suppose"),
    ("gratitude", "Thanks, that fixed it!"),
    ("gratitude", "much appreciated"),
]

QUIET = [
    ("explicit_human_request", "The agent said my refund would take 5 days"),
    ("explicit_human_request", "I don't need a human, just the opening hours"),
    ("explicit_human_request", "Your manager Sue told me last week it was sorted"),
    ("repeat_contact", "This is my first time ordering"),
    ("elapsed_time_complaint", "Is the voucher valid for 30 days?"),
    ("elapsed_time_complaint", "I ordered 2 days ago, when will it arrive?"),
    ("all_caps", "My DHL tracking ID for the USA order is AB12345"),
    ("all_caps", "Is the API available over HTTPS?"),
    ("profanity", "I need an assistant account for Scunthorpe"),
    ("sarcasm_suspected", "Great, that worked"),
    ("sarcasm_suspected", "Perfect, thanks!"),
    ("threat_to_cancel", "How do I cancel my subscription?"),
    ("threat_to_cancel", "I'm not going to cancel, just asking about the price"),
    ("threat_to_cancel", 'Last year I said "I\'m cancelling" but I stayed'),
    ("chargeback_threat", "what's your policy on chargebacks? asking for our finance team"),
    ("legal_threat", "Sue from your team was very helpful"),
    ("safety_concern", "Will the app work on my Fire TV stick?"),
    ("safety_concern", "Is there a smoke test for the API?"),
    ("hedged_dissatisfaction", "I guess I need to reset my password"),
    ("gratitude", "thanks for nothing"),
]


@pytest.mark.parametrize(("cue", "text"), FIRES)
def test_cue_fires(cue: str, text: str) -> None:
    assert cue in detect(text)


@pytest.mark.parametrize(("cue", "text"), QUIET)
def test_cue_stays_quiet(cue: str, text: str) -> None:
    assert cue not in detect(text)


def test_email_quote_of_an_earlier_message_is_not_read_as_new() -> None:
    text = "Thanks for the update, all good.\n> I will dispute the charge with my bank"
    assert "chargeback_threat" not in detect(text)


def test_context_of_complaints_makes_a_bare_great_sarcastic() -> None:
    assert "sarcasm_suspected" not in detect("Great.")
    assert "sarcasm_suspected" in detect("Great.", ["my parcel is lost again"])


@pytest.mark.parametrize(
    "text",
    [
        "Der Techniker hat das Feuer im Kamin nicht gesehen, die Rechnung stimmt nicht.",
        "Le livreur est passé, mais je n'étais pas là. Pouvez-vous repasser demain ?",
        "配送先の住所を変更したいのですが、どうすればいいですか？",
        "Hola, ¿me pueden enviar la factura de marzo?",
    ],
)
def test_ordinary_non_english_messages_raise_no_alarm(text: str) -> None:
    alarms = {"legal_threat", "safety_concern", "threat_to_cancel", "chargeback_threat", "all_caps"}
    assert not alarms & set(detect(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd like to be put through to a supervisor about my complaint, please.", True),
        ("Could this be escalated to someone with the authority to resolve it?", True),
        ("can I get transferred to an agent", True),
        ("Can someone call me back please?", True),
        ("I'd like a callback tomorrow morning", True),
        ("I was passed to three different agents yesterday", False),  # a report, not a request
        ("I don't need to be transferred to a person, just tell me the price", False),
        ("how do I connect my camera to the hub?", False),
    ],
)
def test_indirect_and_passive_requests_for_a_person(text: str, expected: bool) -> None:
    assert ("explicit_human_request" in detect(text)) is expected


def test_a_polite_demand_is_not_thanks() -> None:
    assert "gratitude" not in detect("I would appreciate it if this could be escalated today.")
    assert "gratitude" in detect("Thanks so much, I really appreciate it!")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unbelievable. Third delivery attempt this week. Useless!!", True),
        ("Honestly I'm fed up. I paid for Pro and the thing barely works.", True),
        ("This is an absolute disgrace.", True),
        ("what a waste of my time this has been", True),
        ("this is not unacceptable at all, just curious", False),
        ("how do I use the joke mode on the speaker?", False),
    ],
)
def test_exasperation(text: str, expected: bool) -> None:
    assert ("exasperation" in detect(text)) is expected


def test_praise_followed_by_the_failure_it_mocks_is_sarcasm_not_thanks() -> None:
    signals = detect(
        "Yeah thanks a lot for that article, super helpful, really. "
        "I still have the charge and nobody will refund it."
    )
    assert "sarcasm_suspected" in signals and "gratitude" not in signals
    sincere = detect("Thanks a lot! I still have one more question about billing")
    assert "sarcasm_suspected" not in sincere and "gratitude" in sincere


def test_what_happened_an_hour_later_is_not_a_wait() -> None:
    assert "elapsed_time_complaint" not in detect("It went offline again an hour later.")
    assert "elapsed_time_complaint" in detect("Three days later and still nothing.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my flight SFO to BOS shows twice, which one is right?", False),
        ("the invoice says EUR but I picked the PRO plan in GBP", False),
        ("WHERE IS MY PARCEL", True),
        ("WHY did YOU cancel it", True),
        ("I want my refund NOW", True),
    ],
)
def test_three_letter_codes_are_not_shouting(text: str, expected: bool) -> None:
    assert ("all_caps" in detect(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks for the three week delay on my refund", True),
        ("thank you for losing my parcel", True),
        ("thanks for letting me know about the delay", False),
        ("thanks for the update on my cancellation", False),
        ("the courier hung up on me halfway through. Lovely.", True),
        ("You didn't even bother to tell me it was cancelled. Thanks a lot.", True),
        ("My parcel was delayed but it came today. Great!", False),
        ("Can you check the address on my order? Thanks a lot.", False),
    ],
)
def test_thanks_for_the_harm_itself_is_sarcasm(text: str, expected: bool) -> None:
    signals = detect(text)
    assert ("sarcasm_suspected" in signals) is expected
    if "thank" in text.lower():
        assert ("gratitude" in signals) is not expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45 minutes on hold and then the line went dead", True),
        ("I've been on hold for about two hours now", True),
        ("your support line has a 3 hour wait time", True),
        ("what's the usual wait time on the phone line?", False),
        ("we have a 2 hour wait between trains, is that enough?", False),
    ],
)
def test_time_on_hold_is_a_wait(text: str, expected: bool) -> None:
    assert ("elapsed_time_complaint" in detect(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ordering for the 1st time, do you ship to Malta?", False),
        ("third time shopping with you and still love it", False),
        ("how many tickets are left for Friday?", False),
        ("this is the 3rd time I have asked about my refund", True),
        ("I sent three emails and nobody replied", True),
    ],
)
def test_ordinals_of_loyalty_are_not_repeat_contact(text: str, expected: bool) -> None:
    assert ("repeat_contact" in detect(text)) is expected
