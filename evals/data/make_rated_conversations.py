"""Writes evals/data/rated_conversations.jsonl: hand-written rated conversations (run from the repo root)."""
import json
B = "bot"; C = "customer"; A = "agent"

def conv(cid, kind, rating, turns, resolved=None, escalated=False, comment=None):
    d = {"conversation_id": cid, "kind": kind, "rating": rating, "resolved": resolved,
         "escalated": escalated, "turns": [{"speaker": s, "text": t} for s, t in turns]}
    if comment:
        d["comment"] = comment
    return d

rows = [
 # resolved happily
 conv("rc-happy-01", "resolved_happily", 5, [(C, "How do I change the email on my account?"), (B, "Go to Settings > Profile and choose Change email; we send a confirmation link."), (C, "Done, that was easy. Thanks!")], True),
 conv("rc-happy-02", "resolved_happily", 5, [(C, "Hi, where can I download my invoice for March?"), (B, "Invoices are under Billing > History; each month has a PDF link."), (C, "Got it, perfect, thank you so much")], True),
 conv("rc-happy-03", "resolved_happily", 4, [(C, "Can I pause my subscription over the summer?"), (B, "Yes, you can pause for up to three months from Plan > Pause."), (C, "Great, I paused it. Cheers")], True),
 conv("rc-happy-04", "resolved_happily", 5, [(C, "My parcel tracking says delivered to a neighbour, which one?"), (B, "The delivery photo in your order shows the door it was left at."), (C, "Oh I see it now, it was next door. Brilliant, thanks!")], True),
 conv("rc-happy-05", "resolved_happily", 4, [(C, "How long does a refund take to reach my card?"), (B, "Refunds reach most cards within 5 to 7 working days after we approve them."), (C, "ok thanks, that's fine")], True),
 conv("rc-happy-06", "resolved_happily", 5, [(C, "I forgot my password and the reset email never came"), (B, "Check the spam folder; you can also request a new link, which expires after an hour."), (C, "It was in spam! Logged in now, thank you"), (B, "Glad that worked.")], True),
 conv("rc-happy-07", "resolved_happily", 4, [(C, "Do you ship to Norway?"), (B, "Yes, we ship to Norway; delivery takes 4 to 6 days and duties are paid at checkout."), (C, "Good to know, thanks")], True),
 conv("rc-happy-08", "resolved_happily", 5, [(C, "Can I add a second user to our team plan?"), (B, "Team admins add users from Team > Members > Invite."), (C, "Invited her already. Lovely, thanks a lot!")], True),
 # quick neutral questions, no reaction
 conv("rc-neutral-01", "neutral_no_reaction", 4, [(C, "What are your opening hours on Sunday?"), (B, "Our phone line is open 10:00 to 16:00 on Sundays.")]),
 conv("rc-neutral-02", "neutral_no_reaction", 3, [(C, "Is there a student discount"), (B, "We don't offer a student discount at the moment, but the annual plan costs less per month.")]),
 conv("rc-neutral-03", "neutral_no_reaction", 4, [(C, "which payment methods do you take"), (B, "Cards, PayPal and bank transfer for annual plans."), (C, "ok")]),
 conv("rc-neutral-04", "neutral_no_reaction", 3, [(C, "Can I change the delivery address after ordering?"), (B, "You can change it until the order is packed, from Orders > Edit."), (C, "It says packed already.")], None),
 conv("rc-neutral-05", "neutral_no_reaction", 4, [(C, "Do you have an API for exporting reports?"), (B, "Yes, the reporting API is described in the developer docs; it needs an admin key.")]),
 # polite but unresolved
 conv("rc-polite-01", "polite_unresolved", 2, [(C, "Hello, I was charged twice for my order last week, could you look into it please?"), (B, "Duplicate charges are usually a pending authorisation that drops off within 3 days."), (C, "It has been more than a week and both charges have settled, I'm afraid."), (B, "I couldn't find more about this in our help centre."), (C, "I see. I'll wait for someone to get back to me then.")], False),
 conv("rc-polite-02", "polite_unresolved", 2, [(C, "Good morning, please advise on the status of ticket 4471, which has been outstanding for 14 business days."), (B, "You can follow a ticket's status from Support > My requests."), (C, "Thank you, I am aware. The status has said 'in progress' for two weeks without any update."), (C, "I would appreciate a concrete date.")], False),
 conv("rc-polite-03", "polite_unresolved", 3, [(C, "Hi, the app keeps logging me out on my tablet."), (B, "Try updating the app and clearing its cache."), (C, "I did both, it still happens."), (B, "I'm sorry, I couldn't find anything else about this."), (C, "Alright, no worries, I'll use the website for now.")], False),
 conv("rc-polite-04", "polite_unresolved", 2, [(C, "Could you tell me why my account was suspended?"), (B, "Accounts are suspended after repeated failed payments or a policy review."), (C, "My payments are all up to date, so that can't be it."), (C, "Is there anyone who can check my specific account?")], False),
 conv("rc-polite-05", "polite_unresolved", 2, [(C, "Hello, I returned the jacket three weeks ago and still have no refund."), (B, "Returns are processed within 14 days of arriving at our warehouse."), (C, "The tracking shows it arrived on the 3rd. It's now the 24th."), (C, "I'd be grateful if someone could chase this.")], False),
 conv("rc-polite-06", "polite_unresolved", 3, [(C, "Is it possible to merge two accounts?"), (B, "I couldn't find an answer to that in our help centre."), (C, "Ok, thanks anyway.")], False),
 conv("rc-polite-07", "polite_unresolved", 2, [(C, "Dear support, as per my previous three emails, the export still fails with error 500."), (B, "Exports over 50,000 rows can time out; try a shorter date range."), (C, "The range is a single day. Kindly escalate this to your technical team.")], False),
 # angry then repaired by a person
 conv("rc-repaired-01", "angry_then_repaired", 4, [(C, "This is ridiculous, my order is two weeks late and nobody answers!!"), (B, "I'm sorry about the delay. I'm passing you to a person now."), (A, "Hi, I've found your order: it was stuck at customs. I've sent a replacement by express, arriving Thursday."), (C, "ok, that's actually helpful. thank you")], True, True),
 conv("rc-repaired-02", "angry_then_repaired", 5, [(C, "I want to talk to a human. Your bot is useless."), (B, "Of course, I'm connecting you with our team."), (A, "Hello, I'm Sam. What can I sort out for you?"), (C, "I was billed for a plan I cancelled"), (A, "You're right, the cancellation didn't go through. I've refunded the charge and cancelled the plan."), (C, "Brilliant, thanks Sam, really appreciate it!")], True, True),
 conv("rc-repaired-03", "angry_then_repaired", 4, [(C, "Third time I'm contacting you about the broken charger. Fed up."), (B, "I'm sorry you've had to come back about this. A person will take over now."), (A, "I can see the earlier contacts. I've arranged a new charger and a prepaid return label."), (C, "Fine. Thanks for finally sorting it.")], True, True),
 conv("rc-repaired-04", "angry_then_repaired", 3, [(C, "WHY has my account been charged £89??"), (B, "I'm passing you to a person who can see the charge."), (A, "That's the annual renewal; I can refund it since you haven't used it."), (C, "ok. please do. i didn't know it renewed automatically")], True, True),
 conv("rc-repaired-05", "angry_then_repaired", 4, [(C, "The delivery driver left my parcel in the rain and everything is soaked. Not happy."), (B, "I'm sorry. Let me get someone to arrange a replacement."), (A, "I've ordered a replacement and logged the driver's delivery. It'll be with you tomorrow."), (C, "Thank you, that's good of you")], True, True),
 conv("rc-repaired-06", "angry_then_repaired", 5, [(C, "I've been waiting 40 minutes on the phone, this is a joke"), (B, "I'm sorry for the wait. Someone from the team will pick this up here."), (A, "Hi, I'm here now. What do you need?"), (C, "I need my booking moved to Friday"), (A, "Done: your booking is now Friday at 10:00, confirmation sent."), (C, "Wonderful, thank you, that's a relief!")], True, True),
 # angry and not repaired
 conv("rc-bad-01", "angry_unresolved", 1, [(C, "My order still hasn't arrived after 3 weeks. Where is it??"), (B, "Orders can take up to 10 working days."), (C, "It's been 15 working days. This is unacceptable."), (B, "I'm sorry, I couldn't find more about this."), (C, "Cancel my account. I'm done with you.")], False, True),
 conv("rc-bad-02", "angry_unresolved", 1, [(C, "You charged me twice and the bank says it's your fault"), (B, "Duplicate charges usually drop off within 3 days."), (C, "they have NOT dropped off. I'm filing a chargeback."), (C, "and I'll be leaving a review about this")], False, True),
 conv("rc-bad-03", "angry_unresolved", 1, [(C, "oh great, another delay. just what I needed."), (B, "I'm sorry about the delay; your order should ship this week."), (C, "That's what you said last week. And the week before."), (C, "Useless.")], False),
 conv("rc-bad-04", "angry_unresolved", 2, [(C, "I need a person NOW, the app deleted all my notes"), (B, "I'm connecting you with our team."), (A, "I'm sorry, notes deleted on the device cannot be restored after 30 days."), (C, "So they're just gone? That's terrible.")], False, True),
 conv("rc-bad-05", "angry_unresolved", 1, [(C, "This is the fourth time I'm writing about the same broken washing machine."), (B, "I'm sorry. A person will pick this up."), (A, "I can book an engineer in three weeks."), (C, "Three weeks?! I have two kids and no washing machine. I'll be talking to my lawyer.")], False, True),
 conv("rc-bad-06", "angry_unresolved", 2, [(C, "Why is it so hard to cancel? I've been clicking around for 20 minutes"), (B, "You can cancel from Plan > Cancel subscription."), (C, "There is no such button on my screen."), (C, "Seriously frustrating.")], False),
 conv("rc-bad-07", "angry_unresolved", 1, [(C, "Your technician never showed up and I took a day off work for it"), (B, "I'm sorry. Let me pass you to our team."), (A, "The next free slot is in two weeks."), (C, "Unbelievable. I want compensation for the lost day."), (A, "I'm afraid we don't offer compensation for missed appointments."), (C, "Then I'm cancelling the contract.")], False, True),
 # declining politely over a conversation
 conv("rc-cooling-01", "cooling", 2, [(C, "Hi! Quick question about my upgrade."), (B, "Sure, what would you like to know?"), (C, "The upgrade says it's active but I don't see the new features."), (B, "Try signing out and back in."), (C, "Did that. Still nothing."), (C, "This is getting a bit tiresome, honestly.")], False),
 conv("rc-cooling-02", "cooling", 3, [(C, "Hello, can I get a copy of my contract?"), (B, "Contracts are under Documents in your account."), (C, "There's nothing under Documents."), (C, "Could someone email it to me instead?")], None),
 conv("rc-cooling-03", "cooling", 2, [(C, "Hi there, my discount code isn't working"), (B, "Codes can't be combined with sale prices."), (C, "None of my items are on sale."), (B, "I couldn't find more about this in our help centre."), (C, "Disappointing. I'll probably just order somewhere else.")], False),
 # mixed and middling
 conv("rc-mid-01", "middling", 3, [(C, "My delivery came with one item missing."), (B, "I'm sorry. You can report a missing item from the order page and we'll send it."), (C, "ok, reported. hope it comes quicker than the first one")], True),
 conv("rc-mid-02", "middling", 3, [(C, "Can I get a refund on a digital download?"), (B, "Digital downloads can be refunded within 14 days if not downloaded."), (C, "I downloaded it by accident. oh well.")], False),
 conv("rc-mid-03", "middling", 4, [(C, "the website is really slow today"), (B, "We had a slowdown this morning; it's back to normal now."), (C, "yes seems better now")], True),
 conv("rc-mid-04", "middling", 3, [(C, "I'd like to speak with someone about my bill"), (B, "I'm connecting you with our team."), (A, "Hi, I've explained the line items in your bill by email."), (C, "OK, I'll read it.")], None, True),
 conv("rc-mid-05", "middling", 4, [(C, "Is the blue version coming back in stock?"), (B, "We expect the blue version back in about two weeks; you can sign up for an alert on the product page."), (C, "signed up, thanks")], True),
 conv("rc-mid-06", "middling", 2, [(C, "the tracking link doesn't work"), (B, "The tracking link activates once the courier scans the parcel, usually within a day of dispatch."), (C, "it was dispatched 4 days ago"), (C, "whatever")], False),
 # short and sweet / silent
 conv("rc-short-01", "short", 5, [(C, "thanks for the quick help earlier, all sorted now!")], True),
 conv("rc-short-02", "short", 3, [(C, "hello?")]),
 conv("rc-short-03", "short", 1, [(C, "Worst service I have ever had. Cancel everything.")], False),
 conv("rc-short-04", "short", 4, [(C, "How do I turn on two-factor login?"), (B, "Go to Security > Two-factor and follow the steps with your phone."), (C, "Done")], True),
 conv("rc-short-05", "short", 2, [(C, "your prices went up again without any notice"), (B, "Price changes are announced by email 30 days ahead."), (C, "never got one")], False),
 conv("rc-short-06", "short", 5, [(C, "Amazing, the new dashboard is so much better, thank you!"), (B, "Thank you, we'll pass that on to the team.")], True),
]
with open("evals/data/rated_conversations.jsonl", "w", encoding="utf-8") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
print(len(rows))
