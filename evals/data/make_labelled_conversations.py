"""Writes labelled_conversations.jsonl: support conversations labelled as ending well or badly.

Every customer line below was written for Tideline's conversation-risk model (evals/data/README.md):
per domain, a few lines for each part a conversation is made of (a calm question, a problem, a
polite "that didn't help", a blunt remark, a final outburst ...). Each conversation follows one
course (``COURSES``) whose outcome is its label, filled with lines of its domain chosen by a fixed
seed, so re-running this script reproduces the file exactly. Two domains (hotel, utilities) are
held out entirely: no line of theirs is seen when fitting.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

HELD_OUT = ("hotel", "utilities")

# Per domain: calm questions, calm tasks that sound alarming to word cues (leaving, cancelling a
# booking), problems, calm follow-ups, polite declines, blunt remarks, frustrated lines, final
# outbursts, repeated questions, threats and waiting complaints.
LINES: dict[str, dict[str, list[str]]] = {
    "travel": {
        "ask": [
            "Hi, what time is the first train to Leeds on Sunday?",
            "Can I take a folding bike on the 8:40 to Bristol?",
            "How early do I need to check in for a flight to Lisbon?",
            "Is there a railcard discount for people over 60?",
            "Do you sell tickets for the airport shuttle bus?",
            "what's the baggage allowance on a basic fare",
        ],
        "task": [
            "I'll be leaving on Thursday morning, can I move my return to Friday?",
            "Please cancel my booking for the 12th, my meeting moved.",
            "I'm leaving from Cambridge, is there a connection to Oxford before noon?",
            "We need to cancel the coach tickets for our group, how do refunds work?",
        ],
        "problem": [
            "My e-ticket never arrived in my inbox and I travel tomorrow.",
            "The app charged me twice for the same journey.",
            "My flight got cancelled and I can't find how to rebook.",
            "The seat reservation disappeared from my booking.",
        ],
        "follow": [
            "Ok, and will the refund go back to my card?",
            "Right, where do I find the booking reference?",
            "Do I need to print it or is the phone fine?",
        ],
        "decline": [
            "I'm afraid that link just takes me back to the home page.",
            "I already tried rebooking online, it doesn't offer any flights.",
            "That isn't really what I asked, I need to know about my specific ticket.",
            "Hmm, the page you mention doesn't exist in my app.",
        ],
        "blunt": [
            "your booking site is a joke, where is the seat map",
            "this app is rubbish. how do I download my ticket",
        ],
        "frustrated": [
            "I've been going round in circles for twenty minutes now.",
            "This is really not helpful, my train leaves in an hour.",
            "Nobody seems to be able to tell me where my money went.",
        ],
        "outburst": [
            "Unbelievable. I'll just pay again at the station and complain later.",
            "Forget it, this is useless.",
            "Worst travel company I have ever dealt with.",
        ],
        "repeat": [
            "As I said, I need to know if the 8:40 still runs on Sunday.",
            "Again: how do I get my money back for the cancelled flight?",
        ],
        "threat": [
            "If I don't get this refund I'm disputing the charge with my bank.",
            "Sort this out or I'm never booking with you again.",
        ],
        "waiting": [
            "I have been waiting three weeks for the refund for my cancelled flight.",
            "I emailed about this last week and still no reply.",
        ],
    },
    "hotel": {
        "ask": [
            "Does the hotel have a lift? My mother uses a walker.",
            "Is there somewhere to park a campervan overnight?",
            "What time does the restaurant stop serving dinner?",
            "Can I book a twin room for the second weekend of May?",
            "Are dogs allowed in the garden rooms?",
            "is late check out possible on sunday",
        ],
        "task": [
            "I need to cancel my booking for next Tuesday, something came up.",
            "We're leaving on Thursday instead of Friday, can you shorten the stay?",
            "Could you cancel the airport pickup I added to my reservation?",
            "We'd like a smoking room if there is one left.",
        ],
        "problem": [
            "The room we were given has no hot water this morning.",
            "I was charged for a minibar I never opened.",
            "Our booking confirmation shows the wrong dates.",
            "The key card stopped working and reception is empty.",
        ],
        "follow": [
            "Thanks, and is breakfast still included after the change?",
            "Ok, will I get an email confirming that?",
            "And the deposit, is that returned automatically?",
        ],
        "decline": [
            "I'm sorry but that doesn't answer my question about the charge.",
            "We already did that, the dates are still wrong.",
            "I tried calling the number you gave, it just rings out.",
            "That's a general policy, I'm asking about our actual booking.",
        ],
        "blunt": [
            "room's freezing. where's the thermostat",
            "wifi is garbage here, what's the password for the other network",
        ],
        "frustrated": [
            "We've been without hot water since last night.",
            "This is the second time you've told me something that isn't true.",
            "I really expected better for what we're paying.",
        ],
        "outburst": [
            "Fine. We'll be writing a review about this stay.",
            "Never mind, I give up on getting a straight answer.",
            "This has ruined our anniversary weekend.",
        ],
        "repeat": [
            "I'll ask once more: will the minibar charge be removed?",
            "You still haven't told me whether the dates can be fixed.",
        ],
        "threat": [
            "If the charge isn't removed I'll raise a chargeback.",
            "I'm going to contact trading standards about this.",
        ],
        "waiting": [
            "It's been two weeks since checkout and the deposit still isn't back.",
            "I asked for this at the desk yesterday and nothing happened.",
        ],
    },
    "banking": {
        "ask": [
            "How do I add my partner as a payee?",
            "What's the daily limit for contactless payments?",
            "Can I order a new card before my old one expires?",
            "Where can I see my interest statement for last year?",
            "Is there a fee for sending money abroad?",
            "how do i turn on notifications for big payments",
        ],
        "task": [
            "I'd like to close my old savings account and move the balance to my current account.",
            "Please cancel the standing order to my old landlord.",
            "I'm leaving the country for a month, do I need to tell you before using my card?",
            "How do I cancel a direct debit I set up by mistake?",
        ],
        "problem": [
            "My card was declined at the supermarket but I have money in the account.",
            "There's a payment on my statement I don't recognise.",
            "I can't log in to the app since the update.",
            "A transfer I made on Monday hasn't arrived.",
        ],
        "follow": [
            "Ok, how long does a card freeze last?",
            "And will the money come back to the same account?",
            "Do I need to do anything else?",
        ],
        "decline": [
            "I did reset the password, it still says my details are wrong.",
            "That doesn't really explain where the transfer is.",
            "I'm afraid the app doesn't have that menu.",
            "Thanks, but that's not quite my problem.",
        ],
        "blunt": [
            "your app logged me out AGAIN. how do i stay signed in",
            "crap interface. where is the statements button",
        ],
        "frustrated": [
            "This is my rent money and it has just vanished.",
            "I've followed every step and nothing works.",
            "I'm getting really worried, nobody can tell me anything.",
        ],
        "outburst": [
            "Absolutely useless. I'll go into a branch.",
            "Ridiculous service. I'm done with this.",
            "Forget it, I'll move my salary to another bank.",
        ],
        "repeat": [
            "Again, where is the payment I sent on Monday?",
            "I asked twice now: why was my card declined?",
        ],
        "threat": [
            "If this isn't refunded I'm going to the financial ombudsman.",
            "I'm closing my account if this happens again.",
        ],
        "waiting": [
            "I reported this fraud ten days ago and still no refund.",
            "This is the third time I'm chasing this transfer.",
        ],
    },
    "retail": {
        "ask": [
            "Do you have the blue rain jacket in a medium?",
            "How long does standard delivery take to Glasgow?",
            "Can I use two discount codes on one order?",
            "What's your returns window for shoes?",
            "Is click and collect free?",
            "do you ship to ireland",
        ],
        "task": [
            "Please cancel my order 55821, I ordered the wrong size.",
            "I'd like to return the lamp, it doesn't match the room.",
            "Can you change the delivery address on my order? I'm leaving for my parents' on Thursday.",
            "I want to cancel my subscription box after this month.",
        ],
        "problem": [
            "My parcel says delivered but it isn't here.",
            "The jumper arrived with a hole in the sleeve.",
            "I was sent the wrong colour.",
            "My refund hasn't shown up yet.",
        ],
        "follow": [
            "Ok, do I need the original packaging?",
            "Will you send a returns label by email?",
            "How long until the replacement ships?",
        ],
        "decline": [
            "I checked with the neighbours already, nobody has it.",
            "That form won't let me pick a reason for the return.",
            "Sorry, that's not what I meant, the item is damaged, not unwanted.",
            "I'm afraid that doesn't really help.",
        ],
        "blunt": [
            "site keeps crashing at checkout, how do i pay",
            "sizes are nonsense. is a 10 a small or a medium",
        ],
        "frustrated": [
            "This was a birthday present and now it's too late.",
            "I've paid for next-day delivery and it's been four days.",
            "Every answer just sends me back to the same page.",
        ],
        "outburst": [
            "Thanks for nothing. I'll order from somewhere else.",
            "This is a joke. Never again.",
            "Pathetic. Just give me my money back.",
        ],
        "repeat": [
            "I asked where my parcel is, not how delivery works.",
            "Once again, when will my refund arrive?",
        ],
        "threat": [
            "If I don't get a refund by Friday I'm doing a chargeback.",
            "I'll report you to trading standards.",
        ],
        "waiting": [
            "I returned this a month ago and I'm still waiting for the refund.",
            "I've contacted you three times about this order.",
        ],
    },
    "software": {
        "ask": [
            "How do I export my projects to CSV?",
            "Can I add a second admin on the team plan?",
            "Is there a keyboard shortcut for search?",
            "Does the desktop app work on Linux?",
            "How do I turn on two-factor authentication?",
            "where do i change my billing email",
        ],
        "task": [
            "Please cancel my trial before it converts to paid.",
            "I need to remove a user who is leaving the company on Friday.",
            "How do I kill a stuck sync job?",
            "I'd like to downgrade to the free plan next month.",
        ],
        "problem": [
            "The app crashes every time I open a shared file.",
            "My invoices page shows an error 500.",
            "Sync stopped working after the last update.",
            "I was billed for 12 seats but we only have 8 users.",
        ],
        "follow": [
            "Ok, will that keep my settings?",
            "Do the other users need to log out too?",
            "Is there a changelog for that version?",
        ],
        "decline": [
            "I cleared the cache already, same crash.",
            "That article is for the old version, the menu isn't there anymore.",
            "Reinstalling didn't change anything.",
            "I'm not sure that's related, the error happens before login.",
        ],
        "blunt": [
            "your new UI is awful. where did the export button go",
            "stupid update broke dark mode, how do i get it back",
        ],
        "frustrated": [
            "My whole team has been blocked all morning.",
            "I have a client demo in an hour and nothing loads.",
            "We pay for priority support and this is what we get?",
        ],
        "outburst": [
            "Useless. We're evaluating other tools this week.",
            "This is a waste of my time.",
            "Honestly, what a mess of a product.",
        ],
        "repeat": [
            "As I wrote before, it crashes on shared files only.",
            "I'm asking again why we were billed for 12 seats.",
        ],
        "threat": [
            "Refund the extra seats or we'll dispute the invoice with our card provider.",
            "We'll cancel our subscription if this isn't fixed this week.",
        ],
        "waiting": [
            "Our ticket has been open for two weeks with no update.",
            "I reported this bug a month ago and it's still there.",
        ],
    },
    "utilities": {
        "ask": [
            "How do I submit a meter reading?",
            "Can I pay my bill by direct debit?",
            "What are your night rate times?",
            "Do you offer a green energy tariff?",
            "How do I read my smart meter display?",
            "when is my next bill due",
        ],
        "task": [
            "I'm moving out on Thursday, how do I close my account?",
            "Please cancel the engineer visit booked for Monday, it's fixed.",
            "I'm leaving the flat at the end of the month, what do you need from me?",
            "How do I switch the bill into my partner's name?",
        ],
        "problem": [
            "My bill is twice what it usually is.",
            "The smart meter stopped sending readings.",
            "I've been charged for a property I moved out of.",
            "The direct debit went out twice this month.",
        ],
        "follow": [
            "Ok, and will the next bill be adjusted?",
            "Do I need to send a photo of the meter?",
            "How long does that usually take?",
        ],
        "decline": [
            "I sent the reading already, the bill is still estimated.",
            "That's not it, I don't live there anymore.",
            "I'm afraid the online form gives me an error.",
            "Thanks, but the meter is already on.",
        ],
        "blunt": [
            "bill makes no sense. what's this standing charge",
            "your website is useless, where do i put the reading",
        ],
        "frustrated": [
            "I can't afford to pay double this month.",
            "I've sent readings every month and you still estimate.",
            "This has been going on since the spring.",
        ],
        "outburst": [
            "Unbelievable. I'm switching supplier.",
            "Forget it. You lot are hopeless.",
            "Disgraceful. I'll complain to the regulator.",
        ],
        "repeat": [
            "I already told you, I moved out in March.",
            "Again, why did the direct debit go out twice?",
        ],
        "threat": [
            "I'm taking this to the energy ombudsman.",
            "If you take another payment I'll cancel the direct debit and go to my bank.",
        ],
        "waiting": [
            "I've been waiting six weeks for the credit to be refunded.",
            "I called last week and was promised a call back that never came.",
        ],
    },
    "smart_home": {
        "ask": [
            "Can the doorbell record at night?",
            "How do I add a second user to the app?",
            "Does the thermostat work with my boiler?",
            "Is there a way to set a holiday mode?",
            "What batteries does the motion sensor take?",
            "can the camera store clips locally",
        ],
        "task": [
            "I'm leaving for two weeks on Thursday, how do I set the heating to frost protection?",
            "Please cancel my cloud storage plan at the end of the month.",
            "How do I reset the hub before I give it away?",
            "I'd like to cancel the installer appointment, I managed myself.",
        ],
        "problem": [
            "The camera keeps going offline.",
            "The thermostat shows the wrong temperature.",
            "My doorbell stopped notifying me.",
            "The hub won't pair with the new sensor.",
        ],
        "follow": [
            "Ok, do I need to re-add the devices after that?",
            "Will I lose my recordings?",
            "Which firmware version should it show?",
        ],
        "decline": [
            "I did restart the router, the camera is still offline.",
            "That setting isn't in my version of the app.",
            "I'm afraid that didn't change anything.",
            "The sensor is right next to the hub already.",
        ],
        "blunt": [
            "app is garbage since the update. where's the schedule",
            "camera's dead again. how do i reboot it",
        ],
        "frustrated": [
            "Someone came to the door and I got no alert at all.",
            "The heating has been stuck on all night.",
            "I've reset it four times now.",
        ],
        "outburst": [
            "What a waste of money. Going back to a normal doorbell.",
            "Forget it, I'm returning the whole kit.",
            "Useless product, useless support.",
        ],
        "repeat": [
            "As I said, the camera goes offline every evening.",
            "Again, why is the thermostat showing 25 when it's cold?",
        ],
        "threat": [
            "If this isn't replaced I'll claim the money back through my credit card.",
            "There's a burning smell coming from the hub and it's hot to the touch.",
        ],
        "waiting": [
            "I've been waiting ten days for the replacement camera.",
            "I reported this last week and heard nothing since.",
        ],
    },
}

# Lines any domain may use: closing thanks, noisy spikes, asking for a person, giving up politely.
THANKS = [
    "Perfect, that worked. Thanks!",
    "Great, all sorted, thank you.",
    "Found it, cheers.",
    "ok thanks",
    "Brilliant, thanks for your help.",
    "That's exactly what I needed, thank you.",
]
CALM_CLOSE = ["Ok.", "Got it.", "Alright, I'll try that.", "Makes sense."]
SPIKE = [
    "ugh, seriously?? this is so annoying",
    "oh come on, not again!!",
    "argh, I hate forms like this",
    "this is driving me mad haha",
]
# An upset first message about the situation, not about us; the conversation then goes fine.
VENT = [
    "Argh, I'm so stressed, I've locked myself out of my account right before paying a bill!",
    "Really annoyed, I lost the email with my order number. Can you help me find it?",
    "Terrible morning, my phone died and I need my booking details urgently.",
    "I'm so frustrated, I forgot my password again. How do I reset it?",
]
AFTER_SPIKE = ["sorry, long day. so where do I click?", "ok never mind, how do I do it then?"]
PERSON = [
    "Can I speak to a real person please?",
    "I'd like to talk to an agent.",
    "Is there a human I can talk to?",
]
GIVE_UP = [
    "Never mind, I'll sort it out another way.",
    "Ok. I'll leave it for now then.",
    "Right. I don't think this is going anywhere.",
    "I see. Well, that's disappointing.",
]
BOT_ANSWER = [
    "Here's how to do that: open the app, go to Settings, then follow the steps in the article.",
    "You can do that from your account page. I've linked the help article.",
    "That's covered in our help centre: the article below has the details.",
]
BOT_SORRY = "Sorry to hear that. Here's what usually fixes it: the steps in the article below."
BOT_MISS = "I couldn't find an answer to that in our help centre."


def _courses(rng: random.Random, lines: dict[str, list[str]]) -> list[tuple[str, bool, list[Any]]]:
    """Each course: (kind, ended badly, turns as (line, grounded or None))."""
    pick = rng.choice
    return [
        ("plain", False, [(pick(lines["ask"]), True), (pick(THANKS), None)]),
        ("plain_no_thanks", False, [(pick(lines["ask"]), True), (pick(lines["follow"]), True)]),
        ("one_question", False, [(pick(lines["ask"]), True)]),
        (
            "task",
            False,
            [(pick(lines["task"]), True), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        ("task_short", False, [(pick(lines["task"]), True), (pick(CALM_CLOSE), None)]),
        (
            "problem_solved",
            False,
            [(pick(lines["problem"]), True), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        ("blunt_resolved", False, [(pick(lines["blunt"]), True), (pick(THANKS), None)]),
        (
            "spike_then_fine",
            False,
            [
                (pick(lines["ask"]), True),
                (pick(SPIKE), True),
                (pick(AFTER_SPIKE), True),
                (pick(THANKS), None),
            ],
        ),
        (
            "miss_then_fine",
            False,
            [(pick(lines["ask"]), False), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        (
            "frustrated_resolved",
            False,
            [
                (pick(lines["problem"]), True),
                (pick(lines["frustrated"]), True),
                (pick(lines["follow"]), True),
                (pick(THANKS), None),
            ],
        ),
        (
            "vent_resolved",
            False,
            [(pick(VENT), True), (pick(lines["follow"]), True), (pick(THANKS), None)],
        ),
        (
            "long_calm",
            False,
            [
                (pick(lines["ask"]), True),
                (pick(lines["follow"]), True),
                (pick(lines["task"]), True),
                (pick(lines["follow"]), True),
                (pick(CALM_CLOSE), None),
            ],
        ),
        (
            "quiet_dropoff",
            True,
            [
                (pick(lines["problem"]), True),
                (pick(lines["decline"]), True),
                (pick(CALM_CLOSE), None),
            ],
        ),
        (
            "polite_unresolved_long",
            True,
            [
                (pick(lines["ask"]), True),
                (pick(lines["follow"]), True),
                (pick(lines["decline"]), True),
                (pick(lines["repeat"]), True),
                (pick(GIVE_UP), None),
            ],
        ),
        (
            "polite_declining",
            True,
            [
                (pick(lines["problem"]), True),
                (pick(lines["decline"]), True),
                (pick(lines["decline"]), True),
                (pick(GIVE_UP), None),
            ],
        ),
        (
            "slow_decline",
            True,
            [
                (pick(lines["problem"]), True),
                (pick(lines["decline"]), True),
                (pick(lines["frustrated"]), True),
                (pick(lines["outburst"]), None),
            ],
        ),
        (
            "unanswered",
            True,
            [(pick(lines["ask"]), False), (pick(lines["repeat"]), False), (pick(GIVE_UP), None)],
        ),
        ("sudden_anger", True, [(pick(lines["problem"]), True), (pick(lines["outburst"]), None)]),
        (
            "asks_for_person",
            True,
            [(pick(lines["problem"]), True), (pick(lines["decline"]), True), (pick(PERSON), None)],
        ),
        ("threat", True, [(pick(lines["problem"]), True), (pick(lines["threat"]), None)]),
        (
            "waiting",
            True,
            [(pick(lines["waiting"]), True), (pick(lines["repeat"]), True), (pick(GIVE_UP), None)],
        ),
    ]


def _turns(rng: random.Random, steps: list[Any]) -> list[dict[str, Any]]:
    turns = []
    for text, grounded in steps:
        turns.append({"speaker": "customer", "text": text})
        if grounded is None:
            continue  # the customer's last word
        reply = rng.choice(BOT_ANSWER) if grounded else BOT_MISS
        turns.append({"speaker": "bot", "text": reply, "grounded": grounded})
    return turns


def build(rounds: int = 2, seed: int = 12) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for domain, lines in LINES.items():
        for round_ in range(rounds):
            for kind, bad, steps in _courses(rng, lines):
                rows.append(
                    {
                        "conversation_id": f"lc-{domain}-{kind}-{round_ + 1}",
                        "domain": domain,
                        "kind": kind,
                        "outcome": "bad" if bad else "good",
                        "should_escalate": bad,
                        "split": "held_out" if domain in HELD_OUT else "fit",
                        "turns": _turns(rng, steps),
                    }
                )
    return rows


def main() -> None:
    target = Path(__file__).with_name("labelled_conversations.jsonl")
    rows = build()
    with target.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} conversations to {target.name}")


if __name__ == "__main__":
    main()
