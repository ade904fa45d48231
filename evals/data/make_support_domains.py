# ruff: noqa: E501 -- one hand-written message a line reads better than wrapped strings
"""Writes ``support_domains.jsonl``: hand-written, hand-labelled support messages from many domains.

Run ``python evals/data/make_support_domains.py`` from the repository root after editing the rows
below. Every message was written for Tideline (none copied from a data set or website); the split
follows the rule of ``support_sentiment.jsonl`` (``crc32(text) % 10 < 3`` is test), so a row's
split never changes when rows are added. Described in ``evals/data/README.md``.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

# (domain, label, frustration, text). Labels: what the customer tells us in this message. A problem
# that happened to the customer is negative even when put calmly; a task or question is neutral.
# fmt: off
ROWS = [
    # --- telecom / internet ---
    ("telecom", "negative", "low", "My broadband has dropped out four times today and I work from home."),
    ("telecom", "negative", "high", "This is the third time I am asking for an engineer visit. Nobody has turned up once."),
    ("telecom", "negative", "low", "The speed is nowhere near the 500Mb I'm paying for, I get 40 on a good day."),
    ("telecom", "neutral", "none", "Can I move my broadband to my new address on the 14th?"),
    ("telecom", "neutral", "none", "What's the PUK code process if my SIM is locked?"),
    ("telecom", "negative", "high", "Eleven days without a landline. My mother is 84 and relies on it. Unacceptable."),
    ("telecom", "positive", "none", "The engineer was brilliant, fixed it in twenty minutes and explained everything."),
    ("telecom", "negative", "low", "I was promised a call back yesterday between 2 and 4 and nobody rang."),
    ("telecom", "neutral", "none", "I'd like to add a second line for my daughter."),
    ("telecom", "negative", "low", "My bill went up by £12 this month and nobody told me why."),
    ("telecom", "negative", "high", "You have now charged me for a router I returned in March. I want this reversed today."),
    ("telecom", "neutral", "none", "Does the unlimited plan include roaming in Spain?"),
    ("telecom", "positive", "none", "Signal is perfect since the new mast went up, thank you."),
    ("telecom", "negative", "low", "No service at all in the city centre since this morning."),
    ("telecom", "neutral", "none", "How do I set up voicemail on the new phone?"),
    # --- banking / payments ---
    ("banking", "negative", "low", "I've been charged twice for the same transaction at the supermarket."),
    ("banking", "negative", "high", "My card was declined abroad even though I told you I was travelling. I was stuck at the airport with no money."),
    ("banking", "neutral", "none", "How long does an international transfer to Canada usually take?"),
    ("banking", "neutral", "none", "I need a statement for the last three months for my mortgage application."),
    ("banking", "negative", "low", "The app won't let me approve payments, it just spins."),
    ("banking", "negative", "high", "Someone took £900 from my account and your fraud line hung up on me twice."),
    ("banking", "positive", "none", "The money is back in my account, really appreciate how fast you handled it."),
    ("banking", "neutral", "none", "Can I change the date my direct debit comes out?"),
    ("banking", "negative", "low", "The transfer says completed but my landlord still hasn't received it after 5 days."),
    ("banking", "neutral", "none", "Please freeze my card, I think I left it in a taxi."),
    ("banking", "negative", "high", "I have explained this in writing on three separate occasions. I expect a resolution, not another form."),
    ("banking", "positive", "none", "Loving the new savings pots feature."),
    ("banking", "negative", "low", "Why was I charged an overdraft fee when I was never overdrawn?"),
    ("banking", "neutral", "none", "What documents do I need to open a joint account?"),
    ("banking", "negative", "low", "I still haven't got my new card and the old one expired on Friday."),
    # --- travel / airline / rail ---
    ("travel", "negative", "high", "Flight cancelled with two hours notice, no hotel, no food vouchers, no one at the desk. Disgraceful."),
    ("travel", "neutral", "none", "I'm leaving from Leeds on the 9:15, can I take a folding bike on board?"),
    ("travel", "neutral", "none", "I'll be leaving on Thursday, can I check in a day early?"),
    ("travel", "negative", "low", "My bag didn't arrive in Lisbon and the tracker hasn't updated for two days."),
    ("travel", "positive", "none", "The crew on our flight to Rome were wonderful with my kids."),
    ("travel", "neutral", "none", "Can I change the name on a booking? My wife is travelling instead of me."),
    ("travel", "negative", "low", "Delayed again. That's every single morning this week."),
    ("travel", "negative", "high", "I have asked for my delay compensation four times since January. Each time a different excuse."),
    ("travel", "neutral", "none", "Is there a luggage allowance for infants?"),
    ("travel", "negative", "low", "The seat I paid extra for was given to someone else."),
    ("travel", "positive", "none", "Thanks for rebooking me so quickly, made it to the wedding on time."),
    ("travel", "neutral", "none", "I need to cancel my booking for next Friday, how do I do that?"),
    ("travel", "negative", "low", "The train was so overcrowded I had to stand for two hours with a first class ticket."),
    ("travel", "neutral", "none", "Which terminal does the Oslo flight leave from?"),
    ("travel", "negative", "high", "Stuck on the tarmac for 3 hours, no water, no information. Never flying with you again."),
    # --- hotel ---
    ("hotel", "neutral", "none", "Do you have rooms that allow smoking on the balcony?"),
    ("hotel", "negative", "low", "Our room hadn't been cleaned when we got back at 6pm."),
    ("hotel", "negative", "high", "We were charged for a minibar we never touched and reception refuses to remove it. I want a manager to call me."),
    ("hotel", "positive", "none", "Fantastic stay, the breakfast was the best we've had anywhere."),
    ("hotel", "neutral", "none", "Is late check-out possible on Sunday?"),
    ("hotel", "negative", "low", "The air conditioning in room 412 has been broken since we arrived."),
    ("hotel", "neutral", "none", "Can I add a cot to the room for our baby?"),
    ("hotel", "negative", "low", "The pool was closed all week and nobody mentioned it when we booked."),
    ("hotel", "positive", "none", "Reception staff went above and beyond for my mum's birthday, thank you."),
    ("hotel", "negative", "high", "Booked and paid for a sea view, got a room facing the bins. This is a joke."),
    # --- retail / e-commerce ---
    ("retail", "negative", "low", "The parcel says delivered but it isn't here and my neighbours don't have it."),
    ("retail", "negative", "low", "Wrong size sent again, I ordered a medium."),
    ("retail", "neutral", "none", "Can I exchange the jacket for a different colour?"),
    ("retail", "negative", "high", "I returned the sofa six weeks ago. Still no refund. That's £1,200 of my money you're sitting on."),
    ("retail", "positive", "none", "Arrived a day early and beautifully packed, lovely."),
    ("retail", "neutral", "none", "Do you ship to Ireland?"),
    ("retail", "negative", "low", "Half the items in my order are missing."),
    ("retail", "negative", "low", "The blender stopped working after two weeks."),
    ("retail", "neutral", "none", "Please cancel order 88123, I ordered it twice by mistake."),
    ("retail", "negative", "high", "Three chats, two emails and a phone call and still nobody can tell me where my order is."),
    ("retail", "positive", "none", "Great quality, I'll definitely order again."),
    ("retail", "neutral", "none", "What's the return window for sale items?"),
    ("retail", "negative", "low", "The discount code didn't apply at checkout and I was charged full price."),
    ("retail", "neutral", "none", "Is the grey sofa available in a three seater?"),
    ("retail", "negative", "low", "My order was meant to arrive Tuesday. It's Saturday."),
    ("retail", "negative", "low", "The box was crushed and the glass inside was shattered."),
    ("retail", "neutral", "none", "Can you gift wrap the order and leave the price off the receipt?"),
    # --- software / SaaS ---
    ("software", "negative", "low", "Since the update the export to CSV just produces an empty file."),
    ("software", "negative", "high", "Our whole team has been locked out since 9am. We are losing clients. I need someone on this now."),
    ("software", "neutral", "none", "How do I add a new user to our workspace?"),
    ("software", "neutral", "none", "Is there an API endpoint for bulk importing contacts?"),
    ("software", "negative", "low", "The sync keeps failing with error 502."),
    ("software", "positive", "none", "The new dashboard is so much faster, great job."),
    ("software", "negative", "high", "Dear team, I raised ticket #40912 on 2 May, chased it on 9 May and again on 16 May. I would appreciate the courtesy of a reply."),
    ("software", "neutral", "none", "Could you let me know when my annual plan renews?"),
    ("software", "negative", "low", "I was billed for 15 seats but we only have 9 users."),
    ("software", "neutral", "none", "Can we get an invoice addressed to our head office instead?"),
    ("software", "negative", "low", "The integration with our calendar stopped working last night."),
    ("software", "positive", "none", "Support fixed our SSO issue within the hour, much appreciated."),
    ("software", "negative", "high", "With respect, this is the fourth time I have sent the same logs. Please read the ticket history before replying."),
    ("software", "neutral", "none", "Where can I download the Mac installer?"),
    ("software", "negative", "low", "Every time I open a large file the app crashes."),
    ("software", "neutral", "none", "I want to downgrade to the starter plan from next month."),
    ("software", "negative", "low", "We lost two days of data after the migration you ran."),
    # --- utilities / energy / water ---
    ("utilities", "negative", "low", "My bill is estimated again even though I sent a meter reading last week."),
    ("utilities", "negative", "high", "No hot water or heating for five days and it's freezing. I have a newborn. When is someone coming?"),
    ("utilities", "neutral", "none", "I'm moving out on the 30th, what do I need to do to close the account?"),
    ("utilities", "neutral", "none", "Here is my meter reading: 04512."),
    ("utilities", "negative", "low", "You've doubled my direct debit without explaining why."),
    ("utilities", "positive", "none", "Smart meter fitted today, the installer was lovely."),
    ("utilities", "negative", "low", "The water pressure has been terrible for a week."),
    ("utilities", "neutral", "none", "Can I switch to paperless billing?"),
    ("utilities", "negative", "high", "I have been overcharged for eight months and every call ends with 'we will look into it'. Enough."),
    ("utilities", "neutral", "none", "Is there a cheaper tariff for electric car owners?"),
    ("utilities", "negative", "low", "There was a power cut and the outage page still says everything is fine."),
    # --- food delivery / restaurant / taxi ---
    ("delivery", "negative", "low", "My food arrived cold and an hour late."),
    ("delivery", "negative", "low", "The driver never showed up and I was still charged."),
    ("delivery", "neutral", "none", "Can I add a tip after the order is delivered?"),
    ("delivery", "positive", "none", "Driver was super friendly and the food was still hot, thanks!"),
    ("delivery", "negative", "high", "Wrong order AGAIN. My son has a nut allergy and you sent the satay. This is dangerous."),
    ("delivery", "neutral", "none", "Is the curry very spicy?"),
    ("delivery", "neutral", "none", "I'd like to book a table for six on Saturday at 8."),
    ("delivery", "negative", "low", "Items missing from my order, no drinks and no dessert."),
    ("delivery", "negative", "low", "The taxi took a massive detour and charged me double the estimate."),
    ("delivery", "neutral", "none", "Can the driver wait five minutes outside the station?"),
    # --- insurance / healthcare appointments / public services ---
    ("insurance", "negative", "high", "My claim has been 'under review' for seven weeks. My car is still off the road."),
    ("insurance", "neutral", "none", "Does my policy cover a courtesy car?"),
    ("insurance", "negative", "low", "The renewal price went up 40% with no claims. Why?"),
    ("insurance", "positive", "none", "Claim paid in three days, very impressed."),
    ("insurance", "neutral", "none", "I need to add my partner as a named driver."),
    ("insurance", "negative", "low", "I sent the documents twice and you still say they're missing."),
    ("clinic", "negative", "low", "My appointment was cancelled the morning of, after I'd taken the day off work."),
    ("clinic", "neutral", "none", "Can I reschedule my appointment to next Tuesday afternoon?"),
    ("clinic", "positive", "none", "The nurse was so kind, thank you."),
    ("clinic", "negative", "high", "I've been trying to get a repeat prescription for a fortnight and keep getting passed around."),
    # --- gaming / streaming / subscriptions ---
    ("streaming", "negative", "low", "The stream keeps buffering on every show since yesterday."),
    ("streaming", "negative", "high", "You charged me after I cancelled. I have the confirmation email. Refund me."),
    ("streaming", "neutral", "none", "How many screens can I watch on at once?"),
    ("streaming", "positive", "none", "Love the new series, worth every penny."),
    ("streaming", "neutral", "none", "I want to cancel my subscription at the end of this month."),
    ("gaming", "negative", "low", "I bought the season pass but the content isn't showing up."),
    ("gaming", "negative", "high", "Banned for no reason after 600 hours. Nobody answers appeals. Absolute joke."),
    ("gaming", "neutral", "none", "Is cross-save supported between console and PC?"),
    ("gaming", "positive", "none", "Thanks for restoring my account, you're the best."),
    # --- polite-but-furious business mail, elapsed time, repeat contact ---
    ("business", "negative", "high", "Good afternoon. I am writing for the fifth time regarding invoice 2231. I would be grateful if someone could finally take ownership of this matter."),
    ("business", "negative", "high", "Kind regards aside, I find it remarkable that nobody has responded in three weeks."),
    ("business", "negative", "low", "Hi, just following up on my email from last Tuesday as I haven't heard back."),
    ("business", "negative", "high", "I appreciate you are busy, but a month without an answer is not acceptable for a paying customer."),
    ("business", "negative", "low", "Could you please confirm whether anyone is actually looking at this? It has been 12 days."),
    ("business", "negative", "high", "Per my previous three emails, the shipment is still missing. Please escalate this to your manager."),
    ("business", "negative", "low", "I'm still waiting for the credit note you promised on the 3rd."),
    ("business", "neutral", "none", "Please find attached the purchase order for next quarter."),
    ("business", "neutral", "none", "Could you send over a quote for 200 units delivered to our Manchester site?"),
    ("business", "positive", "none", "Many thanks for the swift turnaround on the contract, much appreciated."),
    ("business", "negative", "high", "We have been loyal customers for eight years and this is how we are treated."),
    ("business", "negative", "low", "Unfortunately the replacement part is also faulty."),
    ("business", "neutral", "none", "Can we move our account review call to Thursday?"),
    ("business", "negative", "low", "I regret to say the issue has returned."),
    # --- chat register: short, typos, mixed ---
    ("chat", "negative", "low", "still broken"),
    ("chat", "negative", "low", "nope, same error"),
    ("chat", "negative", "high", "are you even reading what i write"),
    ("chat", "negative", "high", "i asked this yesterday and the day before"),
    ("chat", "negative", "low", "thats not what i asked"),
    ("chat", "negative", "low", "u charged me twice??"),
    ("chat", "neutral", "none", "ok one sec let me check"),
    ("chat", "neutral", "none", "order number is 55120"),
    ("chat", "neutral", "none", "yes thats the right email"),
    ("chat", "positive", "none", "ah brilliant that worked"),
    ("chat", "positive", "none", "perfect, sorted, thanks so much"),
    ("chat", "negative", "low", "hmm it didnt help"),
    ("chat", "negative", "high", "forget it, ill go somewhere else"),
    ("chat", "neutral", "none", "whats the delivery cost to france"),
    ("chat", "negative", "low", "waited 40 mins for this chat to connect"),
    ("chat", "neutral", "none", "can i pay with paypal"),
    ("chat", "negative", "low", "the link you sent doesnt work"),
    ("chat", "positive", "none", "you've been really helpful today"),
    ("chat", "negative", "low", "my refund still hasnt come through"),
    ("chat", "neutral", "none", "i'm on android 14 if that matters"),
    ("chat", "negative", "high", "i dont want another link i want my money back"),
    ("chat", "neutral", "none", "can you check the status of my return"),
    ("chat", "negative", "low", "it's been a week and no email"),
    ("chat", "negative", "low", "cant log in again"),
    ("chat", "neutral", "none", "how do i turn off the notifications"),
    ("chat", "positive", "none", "great service as always"),
    ("chat", "negative", "low", "pretty disappointed with this tbh"),
    ("chat", "negative", "high", "worst customer service ive ever dealt with"),
    ("chat", "neutral", "none", "is the store open on bank holidays"),
    ("chat", "negative", "low", "been charged a late fee but i paid on time"),
    # --- calm task language that sounds alarming in isolation ---
    ("calm", "neutral", "none", "My phone is dead, can I charge it at the front desk?"),
    ("calm", "neutral", "none", "We're leaving early tomorrow, can we have breakfast at 6?"),
    ("calm", "neutral", "none", "I want to cancel the hotel part of the package but keep the flights."),
    ("calm", "neutral", "none", "How do I kill all running jobs in the scheduler?"),
    ("calm", "neutral", "none", "Is there a fire exit near the conference room?"),
    ("calm", "neutral", "none", "The battery indicator shows 20%, is that normal after a full charge overnight?"),
    ("calm", "neutral", "none", "I need to terminate the contract for our old office line when we move."),
    ("calm", "neutral", "none", "What happens to my data if I close my account?"),
    ("calm", "neutral", "none", "Could you remind me what the late payment fee is?"),
    ("calm", "neutral", "none", "I'm switching banks next month, how do I move my standing orders?"),
    ("calm", "neutral", "none", "My flight lands late, will the hotel hold the room?"),
    ("calm", "neutral", "none", "Where do I report a lost card?"),
    ("calm", "neutral", "none", "Can I dispute a charge I don't recognise?"),
    ("calm", "neutral", "none", "What's the process if a parcel arrives damaged?"),
    ("calm", "neutral", "none", "Is there a penalty for leaving the contract early?"),
    ("calm", "neutral", "none", "Can I get a refund if I cancel within 14 days?"),
    ("calm", "neutral", "none", "My son broke his screen, does the insurance cover accidental damage?"),
    ("calm", "neutral", "none", "The heating engineer is coming Friday, do I need to be home?"),
    ("calm", "neutral", "none", "I lost my password, how do I reset it?"),
    ("calm", "neutral", "none", "Can you remove my old address from the account?"),
    # --- calm cancellations, closures and changes: tasks, not complaints ---
    ("calm", "neutral", "none", "Please cancel my newspaper subscription from next week."),
    ("calm", "neutral", "none", "I'd like to close my savings account, it's no longer needed."),
    ("calm", "neutral", "none", "Can you stop the weekly veg box while we're on holiday in August?"),
    ("calm", "neutral", "none", "Please end my phone contract when the 24 months are up."),
    ("calm", "neutral", "none", "We no longer need the second licence, please remove it at renewal."),
    ("calm", "neutral", "none", "Cancel the pet insurance policy from the 1st please, the cat passed away last year and we forgot."),
    ("calm", "neutral", "none", "How do I pause my subscription for two months?"),
    ("calm", "neutral", "none", "I'm moving abroad, please close the account at the end of the billing period."),
    ("calm", "neutral", "none", "Could you cancel the cleaning visit on Thursday and book the one after?"),
    ("calm", "neutral", "none", "Please unsubscribe me from the marketing emails."),
    ("calm", "neutral", "none", "I want to cancel the extended warranty I added by mistake."),
    ("calm", "neutral", "none", "Our company is switching suppliers in June, what notice do you need?"),
    # --- problems put flatly: still negative ---
    ("software", "negative", "low", "After the last update my saved templates are gone."),
    ("software", "negative", "low", "Your app keeps signing me out and my settings reset every time."),
    ("retail", "negative", "low", "The tracking link just shows an error and nobody answers the phone."),
    ("streaming", "negative", "low", "My watch history disappeared and the app won't load my profile."),
    ("telecom", "negative", "low", "You closed my complaint without fixing anything."),
    ("banking", "negative", "low", "The branch lost my documents and now I have to start again."),
]
# fmt: on


def main() -> None:
    out = Path(__file__).with_name("support_domains.jsonl")
    seen: set[str] = set()
    lines = []
    for number, (domain, label, frustration, text) in enumerate(ROWS, start=1):
        if text in seen:
            raise SystemExit(f"duplicate row: {text}")
        seen.add(text)
        split = "test" if zlib.crc32(text.encode("utf-8")) % 10 < 3 else "train"
        row = {
            "id": f"sd-{number:04d}",
            "domain": domain,
            "text": text,
            "label": label,
            "frustration": frustration,
            "split": split,
        }
        lines.append(json.dumps(row, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
