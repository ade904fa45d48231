"""Cues in the customer's voice: shouting, profanity, sarcasm, hedging, exasperation and thanks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.sentiment.cues.complaints import ELAPSED_TIME, REPEAT_CONTACT
from agent.sentiment.cues.matching import any_match, own_words, rx, words

# Capitals that are names or codes, not shouting.
_ACRONYMS = words(
    """
    ID PIN USA UK EU US URL PDF API SMS VPN FAQ ETA DHL UPS USPS TNT DPD FEDEX IBAN VAT CEO
    TV PC OK OTP SSO CSV HTML IOS GPS ATM USB HDMI RAM SSD ASAP CC BCC IT HR UTC GMT EST PST
    CET PM AM MFA TFA SIM IMEI ISP DNS SSL TLS HTTP HTTPS WIFI LTE QR NFC CPU GPU LED LCD AC
    DC UI UX ERP CRM SKU RMA PO SAAS AWS GDPR FYI BTW IMO TBH AFAIK NB PS RE FW FWD CVV EMI
    UPI NHS DVLA HMRC BBB FTC CFPB ACH BACS SEPA SWIFT BIC SLA KYC AML EOD EOW COB
    """
)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{2,}\b")
# Hashtags, @handles and codes next to digits ("#AA123", "ABC-1234", "SKU42") are names, not voice.
_NOT_SPOKEN = re.compile(r"[#@]\w+|\b\w*\d[\w-]*|\b[A-Z]+-(?=\w*\d)")
_INTERJECTIONS = words("LOL LMAO LMFAO ROFL OMG OMFG IDK BRB TIA NVM SMH TYSM THX PLS PLZ XOXO")
_EMPHATIC_CAPS = words(
    """
    NOW NEVER STILL NOTHING NOT WORST ANY AGAIN TODAY WHY WHERE HELLO STOP NO WRONG REFUND
    HUMAN ANYONE NOBODY PLEASE UNACCEPTABLE RIDICULOUS IMMEDIATELY ALWAYS EVERY
    """
)

# Short words that are shouted, not codes: "WHY did YOU cancel", "THE WORST".
_SHOUTED_SHORT = words(
    """
    YOU THE AND ARE BUT FOR WAS HOW WHO GET GOT HAS HAD CAN DID ALL OUR HIS HER SHE HIM ITS
    NOT YET OFF OUT BAD SAD MAD WON'T CAN'T DON'T ISN'T I'M YES WHAT
    """
)

PROFANITY = rx(
    r"\b(?:fuck\w*|f\*+k\w*|f\*ck\w*|fck\w*|fking|fkn|effing|shit\w*|sh\*t\w*|s\*\*t|bullshit"
    r"|crap|crappy|damn\w*|goddamn\w*|wtf|wth|bloody|piss\w*|arse\w*|asshole\w*|bastard\w*"
    r"|bitch\w*|dickhead\w*|screw you|sod off|bollocks|scam(?:mers?)?|rip-?off|mierda|merde"
    r"|putain|schei(?:ss|ß)e|cazzo)\b",
    r"\bwhat the (?:hell|heck|fuck)\b|\bthe hell\b",
)

_POSITIVE_INTERJECTION = (
    r"(?:oh\s+)?(?:just\s+)?(?:great|wonderful|fantastic|perfect|brilliant|lovely|awesome|super"
    r"|marvellous|marvelous|terrific|excellent|amazing|splendid|nice|fabulous)"
)
# Bad events only: "great, I'll wait a few more days" or "perfect, I didn't know that" are sincere.
_NEGATIVE_EVENT = (
    r"(?:another|again|delay\w*|still|waiting|on hold|broken|broke|cancell?ed|charged|ignored"
    r"|nobody|no one|late|lost|missing|error\w*|crash\w*|outage|failed|fail\w*|worse|nothing works"
    r"|useless|stuck|no reply|no answer|no response|not working|doesn't work|didn't work"
    r"|stranded|hung up on|hangs up on)"
)

SARCASM = rx(
    r"\boh\s+(?:great|wonderful|fantastic|perfect|brilliant|lovely|joy|good|goody|yay|sure|nice"
    r"|terrific|awesome|fabulous|splendid)\b",
    r"(?:^|[.!?]\s*)"
    + _POSITIVE_INTERJECTION
    + r"\s*[,.!…-]+\s*(?:\w+\W+){0,4}?"
    + _NEGATIVE_EVENT
    + r"\b",
    r"\bthanks?\s+(?:a lot\s+)?for\s+"
    r"(?:nothing|wasting|absolutely nothing|the runaround|ignoring)\b",
    # thanks for the harm itself: "thanks for the 3 hour delay", "thank you for losing my bag"
    # ("thanks for letting me know about the delay" thanks for the news, so the harm must follow
    # "for" at once)
    r"\b(?:thanks?|thank\s+you)\s+(?:so much\s+|a lot\s+)?for\s+"
    r"(?:(?:the|a|an|another|my|our|this|that)\s+)?"
    r"(?:(?:[\d.]+|one|two|three|four|five|six|several)[- ]?(?:\w+[- ])?)?"
    r"(?:delay|cancell?ation|lost|losing|los[et]\s+my|cancell?ing|stranding|ruining|breaking"
    r"|damaging|overbooking|charging me (?:twice|again)|hanging up|keeping me (?:on hold|waiting)"
    r"|making me (?:wait|miss)|allowing me to miss|being (?:so\s+)?(?:bad|rude|useless|unhelpful)"
    r"|not\s+(?:notifying|telling|letting|helping|responding|replying|answering|calling))\w*\b",
    # praise, then within a sentence or two the failure it mocks: "thanks a lot for that article,
    # super helpful, really. I still have the charge and nobody will refund it"
    r"\b(?:thanks a lot|thanks so much|super helpful|very helpful|so helpful|really helpful"
    r"|great help|big help|brilliant|fantastic|wonderful|marvellous)\b(?:\W+\w+){0,14}?\W+"
    r"(?:nobody|no one|still\s+(?:not|no|nothing|broken|waiting|charged|haven't|hasn't|doesn't"
    r"|isn't|can't|have\s+(?:the|this|that|my)\s+(?:charge|problem|issue|error|fault))"
    r"|(?:doesn't|didn't|does not|did not)\s+(?:work|help|fix)|not fixed)\b",
    r"\b(?:really\s+|just\s+)?love\s+(?:waiting|being\s+(?:on hold|ignored|charged|lied|kept)"
    r"|paying|spending\s+(?:hours|my)|how\s+(?:you|nobody|no one|i have to|i keep)|it when)\b",
    r"\b(?:brilliant|great|amazing|excellent|fantastic|wonderful|stellar|outstanding|top[- ]notch)"
    r"\s+(?:service|support|job|work|customer service)\W+(?:not|/s|lol|really|truly|as always"
    r"|as usual|guys)\b",
    r"\byeah,?\s+right\b|\bsure,?\s+(?:because|like)\b|(?:^|\s)/s\b|\bwhat a surprise\b"
    r"|\bshocker\b|\bcolou?r me (?:surprised|shocked)\b|\bwho could have guessed\b"
    r"|\b(?:10|ten)/10 would\b|\bslow clap\b|\bwell done,? (?:guys|team|everyone)\b"
    r"|\bgood job,? (?:guys|team)\b|\bthanks? (?:so much|a lot)\s*(?:\.\.\.|…)"
    r"|\bso helpful\s*(?:\.\.\.|…|/s)",
    r"\bnice\s+to\s+(?:know|see)\s+(?:that\s+)?(?:my|your|you|nobody|no one)\b(?:\W+\w+){0,6}?\W+"
    + _NEGATIVE_EVENT
    + r"\b",
)
_SHORT_POSITIVE = re.compile(
    r"^\W*(?:oh\s+)?(?:just\s+|how\s+)?(?:great|wonderful|fantastic|perfect|brilliant|lovely"
    r"|awesome|super|marvellous|terrific|amazing|nice|cool|splendid)(?:\W+(?:just\s+)?(?:great"
    r"|wonderful|perfect|brilliant|lovely|thanks|thank you|then))?\W*$",
    re.IGNORECASE,
)
# An earlier message counts as a complaint only with a bad event or a grievance in it: "how long
# does a refund take?" names a topic of complaints without making one, so a "perfect, thanks" after
# it is meant.
_COMPLAINT_CONTEXT = re.compile(
    r"\b(?:still\s+(?:not|no|nothing|broken|waiting|missing|hasn't|haven't|isn't|doesn't|can't)"
    r"|(?:lost|late|wrong|broken|missing|damaged|delayed|stuck)\s+again|again\b.{0,30}\b(?:lost"
    r"|late|wrong|broken|missing|failed|charged)|never\s+(?:arrived|came|received|got|showed)"
    r"|(?:is|was|got|arrived|came)\s+(?:lost|broken|damaged|late|wrong)|charged\s+(?:me\s+)?twice"
    r"|ridiculous|useless|unacceptable|terrible|awful|worst|nobody|no one|nothing works"
    r"|not\s+(?:working|happy|good enough|acceptable)|doesn't work|didn't work|won't work"
    r"|waiting|waited|again and again|third time|how many times|stranded|hung up on|hangs up on"
    r"|(?:don'?t|didn'?t|did not|never)\s+(?:even\s+)?bother(?:ed)?\s+to|without\s+(?:any\s+)?"
    r"(?:telling|notifying|warning|notice))\b",
    re.IGNORECASE,
)


# Words of exasperation: the customer is at the end of their patience, with or without a cue
# (repeat contact, a wait) that says why.
EXASPERATION = rx(
    r"\b(?:unbelievable|useless|disgrace\w*|appalling|pathetic|shambles|shambolic|ridiculous"
    r"|unacceptable|incompetent|outrageous|furious|livid|fuming|disgusting|infuriating)\b",
    r"\b(?:fed up|sick (?:and tired )?of|had enough|at my wits'? end|last straw|waste of (?:my )?"
    r"(?:time|money)|(?:what|such|absolute|total|complete) (?:a )?joke|worst (?:service|company"
    r"|experience|support))\b",
)

HEDGED = rx(
    r"\bi\s+(?:guess|suppose)\s+(?:it|this|that|the\s+\w+|they|you)\s+(?:\w+\s+)?(?:works?|working"
    r"|is\s+(?:fine|ok|okay|alright|working)|does\s+the\s+job|helps?|helped|did|was\s+(?:fine|ok))\b",
    r"\b(?:it's|it\s+is|that's|that\s+is|it\s+was|works)\s+"
    r"(?:fine|ok|okay|alright|good enough),?\s+"
    r"i\s+(?:suppose|guess)\b",
    r"\b(?:fine|ok|okay|alright|works|worked),?\s+i\s+(?:suppose|guess)\b",
    r"\b(?:sort of|kind of|kinda|sorta|more or less|i think)\s+"
    r"(?:works|working|helps|helped|fixed)\b",
    r"\bnot\s+(?:really|quite|exactly)\s+what\s+i\s+(?:expected|wanted|asked|was hoping|ordered)\b",
    r"\b(?:could|should)\s+(?:be|have been)\s+(?:better|worse)\b|\bbetter\s+than\s+nothing\b"
    r"|\bnot\s+great,?\s+not\s+terrible\b|\bi mean,?\s+it\s+works\b|\bif i have to\b"
    r"|^\W*meh\b|\bgood enough i suppose\b|\bi guess that'?s? (?:fine|ok|okay)\b",
)

GRATITUDE = rx(
    r"\b(?:thanks|thank\s+you|thank\s+u|thx|thnx|ty|tysm|cheers|much\s+appreciated|appreciate(?:d)?"
    r"|grateful|kudos|many thanks|gracias|merci|danke|obrigad[oa]|grazie|arigato)\b",
)
NOT_GRATITUDE = re.compile(
    r"\b(?:thanks?\s+(?:a lot\s+)?for\s+(?:nothing|wasting|ignoring|the runaround)|no\s+thanks"
    r"|thanks?\s+in\s+advance"
    # a polite demand, not thanks: "I would appreciate it if this could be escalated"
    r"|(?:would|'d)\s+(?:really\s+)?appreciate\s+(?:it\s+)?(?:if|a\s+(?:reply|response|call))"
    r")\b",
    re.IGNORECASE,
)


_GRIEVANCE = re.compile(
    r"\b(?:ridiculous|useless|unacceptable|terrible|awful|worst|pathetic|joke|disgrace\w*"
    r"|fed up|sick of|tired of|still\s+(?:not|no|nothing|broken|waiting|missing))\b",
    re.IGNORECASE,
)


def _shouted(word: str) -> bool:
    word = word.strip("'")
    if word in _ACRONYMS or word in _INTERJECTIONS:
        return False
    # Three capitals are mostly a code nobody could list in full (airports "SFO", currencies "EUR",
    # plan names): they count as a raised voice only when they are a word people shout.
    return len(word) > 3 or word in _EMPHATIC_CAPS or word in _SHOUTED_SHORT


def all_caps(text: str) -> bool:
    text = _NOT_SPOKEN.sub(" ", text)
    shouted = [w for w in _CAPS_WORD.findall(text) if _shouted(w)]
    if not shouted:
        return False
    if len(shouted) >= 2 or any(w in _EMPHATIC_CAPS for w in shouted):
        return True
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) >= 0.6


# The last sentence of a message, when it is a bare "Cool." or "Thanks a lot." after the rest.
_LAST_SENTENCE = re.compile(r"^(?P<rest>.*[.!?…])\s+(?P<last>[^.!?…]+[.!?…]*)\s*$", re.DOTALL)
_BARE_THANKS = re.compile(r"^\W*(?:thanks?|thank\s+you)\s+(?:a\s+lot|a\s+bunch)\W*$")


def sarcasm(text: str, context: Sequence[str] | None) -> bool:
    if any_match(SARCASM, text):
        return True
    # "... and then you hang up on me. Cool." is the same turn as a bare "Great." after a complaint.
    tail = _LAST_SENTENCE.match(text)
    closing = tail is not None and (
        _SHORT_POSITIVE.match(tail["last"]) is not None
        or _BARE_THANKS.match(tail["last"]) is not None
    )
    if closing and tail is not None and _complaint(tail["rest"]):
        return True
    # A bare "Great." or "Perfect, thanks" right after a complaint is rarely meant.
    if context and _SHORT_POSITIVE.match(text):
        # "Perfect, thank you" after a past problem mentioned in passing is meant; with thanks in
        # it, only an earlier message that is itself a grievance turns it around.
        strict = any_match(GRATITUDE, text)
        return any(_complaint(earlier, strict=strict) for earlier in context[-3:])
    return False


def _complaint(earlier: str, *, strict: bool = False) -> bool:
    own = own_words(earlier)
    if not strict and _COMPLAINT_CONTEXT.search(own):
        return True
    if _GRIEVANCE.search(own):
        return True
    lowered = own.lower()
    return (
        any_match(REPEAT_CONTACT, lowered)
        or any_match(ELAPSED_TIME, lowered)
        or any_match(PROFANITY, lowered)
        or all_caps(own)
    )
