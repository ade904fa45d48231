"""Cues that hand over at once (threats to leave, chargebacks, legal, safety) and a calm cancellation."""

from __future__ import annotations

import re

from agent.sentiment.cues.matching import rx

THREAT_TO_CANCEL = rx(
    r"\b(?:i'm|i am|i'll|i will|we'll|we will|we're|we are|going to|gonna|about to|or i|otherwise i"
    r"|then i|i shall|i may|i might|seriously considering|considering)\s+"
    r"(?:just\s+|definitely\s+|have to\s+|be\s+)?"
    # Travel and task language leaves, switches and cancels all day ("I'm leaving from Cambridge",
    # "I'll switch to the earlier flight"), so each verb needs the company or the relationship.
    r"(?:cancel\w*\s+(?:my|our|the)\s+(?:account|subscription|contract|membership|service)"
    r"|cancel\w*\s+(?:everything|it all|(?:when|once)\s+(?:my|the|our)\s+(?:contract|subscription"
    r"|term))|clos\w+\s+my\s+account"
    r"|leav\w+\s+(?:you|your\s+(?:company|service|bank|network)|for\s+(?:a\s+)?(?:competitor|another"
    r"\s+(?:provider|company|bank|carrier|supplier)))"
    r"|switch\w*\s+(?:provider|providers|banks|networks|suppliers|to\s+(?:a\s+)?(?:competitor"
    r"|another\s+(?:provider|company|bank|carrier|supplier|network)))"
    r"|terminat\w+\s+(?:my|our|the)\s+(?:contract|account|service)"
    r"|end\w*\s+my\s+(?:contract|subscription)|unsubscrib\w+|done with you)\b",
    # an ultimatum leaves the company even without naming it: "sort it out or I'm leaving"
    r"\b(?:or|otherwise|else)\s+(?:i'm|i am|i'll|i will|we're|we are|we'll|we will)\s+(?:just\s+)?"
    r"(?:leaving|cancel\w*|switching|gone|done)\b",
    r"\btake\s+(?:my|our)\s+(?:business|money|custom)\s+elsewhere\b",
    r"\b(?:switch\w*|mov\w+|go\w*)\s+(?:over\s+)?to\s+(?:a\s+|your\s+|another\s+)?(?:competitor\w*"
    r"|another\s+(?:provider|company|bank|carrier|supplier|service))\b",
    r"\bnever\s+(?:order\w*|buy\w*|shop\w*|use|fly\w*|book\w*)\s+(?:\w+\s+){0,2}(?:from|with|again)\b",
    r"\b(?:done|finished)\s+with\s+(?:you|your\s+(?:company|service|product|brand))\b",
    r"\b(?:last|final)\s+(?:order|time i (?:order|buy|use))\b|\blost\s+a\s+customer\b",
    r"\b(?:cancel\w*|close)\s+(?:my|our|the)\s+(?:account|subscription|membership|contract|plan"
    r"|service)\s+(?:if|unless)\b",
    r"\b(?:fix|sort|refund|resolve)\s+(?:this|it|that)\b.{0,40}\bor\s+(?:i|we)\b.{0,20}\bcancel",
)
# A calm wish to cancel or close something: a how-to the help centre answers, unless threatened.
CANCELLATION_REQUEST = rx(
    r"\b(?:cancel\w*\s+(?:(?:my|our|the|this|an?)\s+)?|(?:terminat\w+|end|close|stop"
    r"|unsubscrib\w+\s+from)\s+(?:my|our|this)\s+)(?:\w+\s+){0,2}?(?:order|subscription|membership|account|contract|plan|booking"
    r"|reservation|service|renewal|trial|payment|direct debit|standing order)s?\b",
    r"\b(?:want|like|need|wish|trying|try|how)\s+(?:do\s+i\s+|can\s+i\s+|to\s+)?"
    r"(?:cancel|unsubscribe|terminate)\b",
    r"\bcancell?ation\s+(?:request|form|fee|policy|process|of\s+my)\b|\bunsubscribe\b",
)

CHARGEBACK = rx(
    # an intent ("I'll file a chargeback"), not a question about the chargeback policy
    r"\b(?:file|filing|raise|raising|do|doing|initiate|initiating|request|requesting|open|opening"
    r"|issue|issuing|go for|going for|start|starting|a|another)\s+(?:a\s+)?charge[- ]?back\b",
    r"\bdispute\s+(?:the|this|that|these|a|my)?\s*(?:charge|payment|transaction|debit)s?\b",
    r"\b(?:call|contact|tell|go to|ask|talk to|speak to|report (?:this|you) to)\s+my\s+(?:bank"
    r"|credit card (?:company|provider|issuer)|card (?:issuer|provider|company)|credit union)\b",
    r"\b(?:reverse|cancel)\s+the\s+(?:charge|payment|transaction)\s+(?:with|through|via)\b",
    r"\b(?:paypal|card)\s+(?:claim|dispute)\b|\bopen(?:ing)?\s+a\s+(?:dispute|claim)\b",
)

LEGAL_THREAT = rx(
    r"\b(?:lawyers?|attorneys?|solicitors?|lawsuit|legal action|legal proceedings|small claims"
    r"|ombudsman|trading standards|consumer protection|consumer rights act|class action"
    r"|better business bureau|bbb|ftc|cfpb|regulator)\b",
    r"\b(?:will|going to|gonna|'ll|to|can|could|should|i|we)\s+sue\b|\bsue\s+(?:you|your|them)\b",
    r"\b(?:take|taking|see)\s+(?:you|this|them)\s+(?:to|in)\s+court\b|\bcourt action\b",
    r"\breport(?:ing)?\s+(?:you|this|your company)\s+to\s+(?:the\s+)?"
    r"(?:authorities|regulator|police)\b",
    r"\b(?:abogado|demanda|avocat|anwalt|klage|advogado)\b",
)

SAFETY = rx(
    r"\b(?:caught|catch|catches|catching|on)\s+fire\b|\bfire\s+(?:hazard|risk|alarm|brigade|department)\b",
    # Smoking rooms and areas are a booking question: smoke counts only coming out of something.
    r"\b(?:smoke|smoking)\s+(?:came|comes|coming|pouring|poured|out\s+of|from)\b"
    r"|\b(?:started|starts|began|was|is|it's|it\s+is|it\s+was)\s+smok(?:ing|ed)\b"
    r"|\bsmell(?:s|ed)?\s+(?:of\s+|like\s+)?(?:smoke|burning)\b",
    r"\b(?:smouldering|smoldering|sparks?|sparking|sparked|flames?|burn(?:t|ed"
    r"|ing|s)?|melt(?:ed|ing|s)?|scorch\w*|overheat\w*|explod\w*|exploded|explosion)\b",
    # "is the curry very hot" is a menu question: heat counts only on something held or touched
    r"\b(?:too|very|extremely|dangerously)\s+hot\s+(?:to touch|to hold)"
    r"|\b(?:charger|battery|phone|plug|socket|cable|device|laptop)\s+gets?\s+(?:really\s+)?hot\b",
    r"\b(?:electric(?:al)?\s+shock|shocked\s+me|gave\s+me\s+a\s+shock)\b",
    r"\b(?:injur\w*|hurt\s+(?:myself|my|me|him|her|them|someone|a child)|cut\s+my\s+(?:hand|finger)"
    r"|bleeding|hospital|allergic reaction|choking|gas leak|swollen battery|battery\s+(?:is\s+)?"
    r"(?:swelling|swollen|leaking)|unsafe|dangerous|hazard\w*)\b",
)
NOT_SAFETY = re.compile(
    r"\b(?:fire\s*(?:tv|stick|tablet|hd|os|fox|base|pit|exit|place)|fireplace|wood[- ]fired"
    r"|burn(?:ed|t|ing)?\s+(?:a\s+|the\s+|an\s+)?(?:cd|dvd|disc|installer|image|iso|usb"
    r"|through)|burn(?:ed|t|ing)?\s+out|burning\s+(?:question|issue|desire)|heartburn|sunburn"
    r"|smoke\s+test|no\s+smoke\s+without|kindle fire|fire\s+(?:off|away|me|us|an?\s+email)"
    # "exploding with notifications" is busy, "my phone exploded" is not: the guard needs the "with"
    r"|(?:inbox|phone|notifications?|messages?|sales|orders?|app|site|website|team)\s+(?:is\s+|are\s+"
    r"|has\s+been\s+|have\s+been\s+)?(?:explod\w*|blow\w*\s+up|on\s+fire)\s+(?:with|lately"
    r"|today|this\s+(?:week|month|year))|hot\s+(?:deal|offer|item|topic|seller))\b",
    re.IGNORECASE,
)
