"""Writes calm_multidomain.jsonl: calm customer messages from several domains, for cue false-fire rates.

Every sentence below was written for Tideline's cue measurement; the file is the cross product of a
few openers with these requests, so re-running this script reproduces it exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

# Ordinary task language that old cues misread: travel "leaving", cancelling as a task, smoking
# rooms, charging a phone, "hot" food, "fire" in names.
REQUESTS: dict[str, list[str]] = {
    "travel": [
        "I am leaving from Cambridge and need a train to London.",
        "I'll be leaving on Thursday, what trains are there?",
        "I'm leaving around 9am, is there a direct train?",
        "We are leaving from the airport at 6pm.",
        "Can I cancel my booking for the 14th and rebook for the 16th?",
        "I'd like to cancel my train ticket, I no longer need it.",
        "Please book a taxi from the station to my hotel.",
        "What time does the last train to Norwich leave?",
        "I need a flight to Madrid leaving next Monday.",
        "Is there a later bus going to the city centre?",
        "Could you change my seat to a window seat?",
        "How much luggage can I take on the plane?",
        "I'm going to switch to the earlier flight if there is space.",
        "We will be leaving the hotel early, can we check out at 7?",
        "Can you book me on the 10:15 leaving from platform 4?",
        "I'm travelling with a small dog, is that allowed on the train?",
        "I want to go to Ely on Saturday, leaving after 11.",
        "Is there wifi and a power socket to charge my phone on the coach?",
        "My flight leaves at 8, when should I get to the airport?",
        "I'd like a return ticket, coming back on Sunday evening.",
    ],
    "hotel": [
        "Do they have rooms that allow smoking?",
        "I need a non-smoking double room for two nights.",
        "Is there a smoking area outside the hotel?",
        "Could I get a room with a fireplace?",
        "Does the hotel have free parking and wifi?",
        "I'd like to cancel my reservation for next week.",
        "Please book a room for three people starting Friday.",
        "Is breakfast included in the price?",
        "Can I have a late check-out on Sunday?",
        "Does the room have a kettle and hot water?",
        "Is there a gym or a pool at the guesthouse?",
        "I'm looking for a cheap hotel in the north of town.",
        "We will be arriving late, around midnight.",
        "Is the hot tub open in the winter?",
        "Can you recommend a 4 star hotel near the centre?",
        "Do rooms have a safe for valuables?",
        "Can you check if there is availability on the 3rd?",
        "We're leaving on Tuesday morning, can we leave bags at reception?",
        "Does the hotel have a fire exit map in each room?",
        "Is there a charger I can borrow to charge my phone at reception?",
    ],
    "banking": [
        "How do I set up a standing order to my landlord?",
        "Can I cancel a direct debit from the app?",
        "What is the daily limit for card payments?",
        "I'd like to order a new debit card, mine is worn.",
        "How do I close my savings account and move the money to current?",
        "Can you explain the charge on my statement from the 3rd?",
        "How long does an international transfer take?",
        "I want to switch to the premium account.",
        "How do I change the address on my account?",
        "Can I freeze my card while I look for it at home?",
        "What's the interest rate on the fixed saver?",
        "How do I check my balance on the app?",
        "How do I add my partner to a joint account?",
        "Is there a fee for withdrawing cash abroad?",
        "I'm moving to a new flat, how do I update my address?",
        "Can I get a copy of last year's statements?",
        "How do I reset my online banking PIN?",
        "When will the monthly fee be charged?",
        "I'd like to cancel the overdraft I no longer use.",
        "Can you send me the sort code for the branch?",
    ],
    "retail": [
        "Can I cancel my order, I ordered the wrong size?",
        "Where is my parcel, order 55120?",
        "Do you have this jacket in medium?",
        "How do I return a pair of shoes?",
        "Is the hot sauce gluten free?",
        "Does this kettle boil water quickly?",
        "Can I change the delivery address for my order?",
        "Is there a charger included with the phone?",
        "How long does it take to charge the battery fully?",
        "What's the warranty on the toaster?",
        "Can I pay with a gift card and a credit card together?",
        "Do you ship to Ireland?",
        "Will the sofa fit through a standard door?",
        "Is the fire pit suitable for a small balcony?",
        "Can I collect the order from the store instead?",
        "Is this item back in stock soon?",
        "I'd like to switch my delivery to next day.",
        "Do you have a student discount?",
        "How do I use a promo code at checkout?",
        "Can you gift wrap the order?",
    ],
    "software": [
        "How do I export my data to CSV?",
        "How do I cancel my subscription at the end of the month?",
        "Can I switch from the monthly plan to yearly?",
        "How do I add a new user to our workspace?",
        "Where do I find the API key?",
        "How do I turn on two-factor authentication?",
        "Can I run a smoke test on the staging server?",
        "How do I reset my password?",
        "Does the app work offline?",
        "How do I connect the calendar integration?",
        "Is there a dark mode?",
        "Can I downgrade to the free plan?",
        "How do I delete an old project?",
        "I'm leaving the company, how do I transfer ownership of the workspace?",
        "How do I fire off a test webhook?",
        "What are the limits on the starter plan?",
        "Can I change the billing email?",
        "How do I burn the installer to a USB stick?",
        "Is there an SDK for Python?",
        "Where can I see my invoices?",
    ],
    "utilities": [
        "I'm moving house next month, how do I move my broadband?",
        "How do I submit a meter reading?",
        "Can I switch to a fixed tariff?",
        "When is my next bill due?",
        "I'd like to set up a payment plan for the winter.",
        "How do I book an engineer visit for the boiler service?",
        "Can I get a smart meter installed?",
        "How do I close my account when I leave the property?",
        "Is there a cheaper tariff for electric cars that charge overnight?",
        "How do I update the direct debit amount?",
        "Can you explain the standing charge on my bill?",
        "How do I report a street light that is out?",
        "We are moving in on the 1st, can the gas be in our names from then?",
        "How do I add a second person to the account?",
        "When does the hot water timer reset after a power cut?",
        "What does the green light on the router mean?",
        "Can I pay my bill by card over the phone?",
        "How do I change the wifi name?",
        "Do you offer a discount for paying annually?",
        "How do I read my water meter?",
    ],
    "restaurant_taxi": [
        "Can I book a table for four at 7pm?",
        "Do you have a table outside in the smoking area?",
        "Is the curry very hot or mild?",
        "I'd like to cancel my table booking for tonight.",
        "Please book a taxi to the restaurant for 7:30.",
        "Can the taxi pick me up from the hotel lobby?",
        "I need a taxi leaving from the train station at 5.",
        "Do you have vegetarian options?",
        "Is there parking near the restaurant?",
        "Can we bring a birthday cake?",
        "What time does the kitchen close?",
        "Is the wood fired pizza available at lunch?",
        "How much is a taxi to the airport?",
        "Can I pay the taxi by card?",
        "Is the restaurant in the centre or the south?",
        "I want an Italian place, cheap, in the east.",
        "Can I change the booking to 8pm?",
        "Do you serve food that is not too spicy for children?",
        "Please send a car with space for a wheelchair.",
        "Can I get the driver's phone number?",
    ],
}
OPENERS = ["", "Hi, ", "Hello. ", "Quick question: ", "Thanks. "]


def rows() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    n = 0
    for opener in OPENERS:
        for domain, requests in REQUESTS.items():
            for request in requests:
                n += 1
                text = opener + (request[0].lower() + request[1:] if opener else request)
                out.append({"id": f"cm-{n:04d}", "domain": domain, "text": text})
    return out


if __name__ == "__main__":
    target = Path(__file__).with_name("calm_multidomain.jsonl")
    target.write_text("".join(json.dumps(r) + "\n" for r in rows()))
