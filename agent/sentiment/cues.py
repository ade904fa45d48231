"""Named cues of support language (a request for a person, repeat contact, threats ...), by rules.

Each cue is a small set of patterns plus guards against the usual false alarms: negation ("I don't
need a human"), narrative about the past ("the agent said ..."), quoted text (email quotes starting
with ``>`` and words in quotation marks are someone else's or an earlier message), acronyms written
in capitals, and brand names ("Fire TV"). The cues feed the trained model as features and the
frustration and urgency formulas directly, so each must be cheap: compiled patterns, one pass each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A negation shortly before a match cancels it ("I don't need to talk to a person").
_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|nor|neither)\b|n't|n’t|\bno need\b|\bdon'?t need\b)"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|«[^»\n]{1,300}»")
_EMAIL_QUOTE_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)


# "Why can't I talk to a person?" is still a request, so "can't" does not negate a wish.
_WISH_NEGATION = re.compile(
    r"(?:\b(?:don'?t|do not|doesn'?t|does not|no need to|not|never|without|no)\b|don’t)"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)


def words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated block, for long word lists."""
    return frozenset(text.split())


def _negated(text: str, start: int, negation: re.Pattern[str] = _NEGATION_BEFORE) -> bool:
    return negation.search(text[max(0, start - 40) : start]) is not None


def _any(
    patterns: Sequence[re.Pattern[str]],
    text: str,
    *,
    negatable: bool = False,
    negation: re.Pattern[str] = _NEGATION_BEFORE,
) -> bool:
    for pattern in patterns:
        for match in pattern.finditer(text):
            if negatable and _negated(text, match.start(), negation):
                continue
            return True
    return False


def _rx(*parts: str) -> list[re.Pattern[str]]:
    # Matched against lower-cased text: case-insensitive matching in ``re`` is several times slower.
    return [re.compile(p) for p in parts]


_PERSON = (
    r"(?:(?:a|an|the|your|some|one of your|a real|an actual|a live|a real live)\s+)?"
    r"(?:real\s+|actual\s+|live\s+|human\s+)?"
    r"(?:person|people|human|humans|human being|agent|agents|manager|managers|representative|rep"
    r"|supervisor|someone|somebody|anyone|anybody|operator|advisor|adviser|team lead(?:er)?"
    r"|staff member|employee|customer service rep(?:resentative)?)\b"
)

HUMAN_REQUEST = _rx(
    # present-tense wish to talk: "let me talk to a human", "can I speak with someone real"
    r"\b(?:talk|speak|chat|get through)\s+(?:to|with)\s+" + _PERSON,
    r"\b(?:transfer|connect|put)\s+me\s+(?:through|over|to|with)\b",
    r"\btransfer\s+me\b",
    # passive and indirect forms: "be put through to a supervisor", "escalated to someone with the
    # authority", "passed to a manager"
    # (a wish, not a report: "I was passed to three agents" is a complaint, not a request)
    r"\b(?:be|get|have\s+(?:this|it|me|my\s+\w+))\s+(?:put|transferred|connected|passed|handed"
    r"|escalated|sent)\s+(?:through\s+|over\s+|on\s+)?(?:to|with)\s+" + _PERSON,
    # a call from a person is a request for one
    r"\b(?:request|want|need|arrange|get|book|like)\s+(?:a\s+)?call\s?-?back\b",
    r"\b(?:can|could|will|would)\s+(?:someone|somebody|a person|an agent|you)\s+(?:please\s+)?"
    r"(?:call|ring|phone)\s+me\b",
    r"\b(?:want|need|demand|request|get me|give me|i'd like|i would like)\s+" + _PERSON,
    r"\bescalate\s+(?:this|it|me|my\s+(?:case|ticket|complaint|issue))\b",
    r"\b(?:is|isn't|are)\s+there\s+(?:anyone|anybody|someone|a human|a person|a real person)\b",
    r"\bsomeone\s+real\b|\breal\s+(?:person|human)\b|\bhuman\s+being\b",
    r"\b(?:stop|enough with|not)\s+(?:the|this|a|your)?\s*(?:bot|robot|chatbot|automated)\b",
    r"^\W*(?:human|agent|operator|representative|person|manager|supervisor)\W*(?:please|pls|now)?\W*$",
    # a few other languages, so a request for a person is not missed there
    r"\bhablar\s+con\s+(?:una\s+persona|un\s+humano|un\s+agente|alguien|un\s+asesor)",
    r"\bparler\s+(?:à|a|avec)\s+(?:un|une|quelqu'un)\s*(?:humain|personne|conseiller|agent|réel)?",
    r"\bmit\s+(?:einem|einer)\s+(?:menschen|mitarbeiter|mitarbeiterin|person|berater)\b",
    r"\bfalar\s+com\s+(?:uma\s+pessoa|um\s+atendente|um\s+humano|algu[eé]m)",
    r"\bparlare\s+con\s+(?:una\s+persona|un\s+operatore|qualcuno)",
)

REPEAT_CONTACT = _rx(
    # ("1st time" is no repeat, and "third time flying with you" is loyalty, not a complaint)
    r"\b(?:second|third|fourth|fifth|sixth|umpteenth|nth|\d*[02-9](?:nd|rd|th)|\d+1(?:st|th))\s+"
    r"(?:time(?!\s+(?:flying|travel\w*|visiting|staying|ordering|shopping|buying|with\s+(?:you|us"
    r"|y'?all)))|email|call|message|ticket|chat|attempt|request)\b",
    r"\b(?:contacted|called|emailed|messaged|written to|wrote to|chatted with|reached out to|rang"
    r"|phoned|asked|told|raised|reported|explained)\b(?:\W+\w+){0,5}?\W+(?:twice|three times"
    r"|four times|five times|\d+\s+times|several times|multiple times|many times|numerous times"
    r"|countless times|a dozen times|already|before|again)\b",
    r"\b(?:already|previously)\s+(?:contacted|called|emailed|asked|reported|raised|explained|told"
    r"|sent|opened|submitted|spoke|talked|been through)\b",
    r"\b(?:again and again|over and over|time and again|yet again|once again|how many times"
    r"|every time i (?:call|contact|ask|write|chat))\b",
    r"\bkeep\s+(?:asking|telling|calling|emailing|writing|getting|having to|chasing|being told)\b",
    r"\bstill\s+(?:no|not|haven't|have not|hasn't|nothing|don't|do not)\b(?:\W+\w+){0,5}?\W+"
    r"(?:answer|reply|response|update|resolution|fix|solution|heard|word|answered|replied|fixed"
    r"|resolved|sorted)\b",
    r"\bstill\s+(?:no\s+)?(?:answer|reply|response|update|resolution)\b",
    r"\b(?:chasing|following up again|reopen(?:ed|ing)?"
    r"|same (?:issue|problem) (?:again|as before))\b",
    r"(?<!how\s)\b(?:two|three|four|five|several|multiple|many|\d+)\s+(?:tickets|emails|calls|chats"
    r"|complaints)\b",
)

_UNIT = r"(?:business\s+|working\s+|whole\s+|full\s+)?(?:days?|weeks?|months?|hours?|hrs?)"
_AMOUNT = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen"
    r"|twenty|thirty|several|a few|a couple of|couple of|many)"
)
_DAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last\s+\w+|the\s+\d+\w*"
)
_MONTHS = r"|january|february|march|april|may|june|july|august|september|october|november|december)"

ELAPSED_TIME = _rx(
    r"\b(?:over|since|after|nearly|almost|more than|than|been|waited|waiting|past|last)\s+"
    r"(?:the\s+(?:last|past)\s+)?" + _AMOUNT + r"\s+" + _UNIT + r"\b",
    # "for 30 days" is a complaint only after a word of waiting ("valid for 30 days" is not)
    r"\b(?:been|waiting|waited|still|outstanding|pending|open|now|stuck|nothing|down|broken|hold"
    r"|unresolved|unanswered|gone|missing|chasing)\b(?:\W+\w+){0,6}?\W+for\s+(?:the\s+(?:last|past)"
    r"\s+|over\s+|almost\s+|nearly\s+)?" + _AMOUNT + r"\s+" + _UNIT + r"\b",
    r"\b" + _AMOUNT + r"\s+(?:business\s+|working\s+)?(?:days?|weeks?|months?)\s+later\b",
    # ("it went offline again an hour later" tells what happened; it is not a wait)
    r"\b" + _AMOUNT + r"\s+" + _UNIT + r"\s+(?:now|and still|and nothing|and no|without"
    r"|of waiting|on hold|ago and|ago,? (?:and )?still|ago,? (?:and )?nothing|ago,? (?:and )?no)\b",
    r"\bsince\s+" + _DAYS + _MONTHS + r"\b",
    r"\b(?:still|been|keep)\s+waiting\b|\bwaiting\s+(?:since|for ages|forever)\b",
    r"\b(?:outstanding|pending|open|unresolved|unanswered)\s+(?:for|since)\b",
    r"\b(?:on hold|waited|waiting)\s+(?:for\s+)?(?:over|nearly|almost|more than)?\s*(?:an?|one|\d+)"
    r"\s+(?:hours?|minutes|mins)\b",
    # minutes count on the phone: "50 minutes on hold", "a 2 hour wait time", "on hold for about
    # 3 hours" ("a 5 minute wait" for a reply promised is not a complaint, so minutes need the hold)
    r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|half an?)\s*(?:hours?|hrs?|h|minutes|mins?)"
    r"\s+(?:still\s+)?(?:on hold|on the phone|in (?:a\s+)?(?:queue|line))\b",
    r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five)[- ]?(?:hours?|hrs?)\s+wait(?:ing)?\s+"
    r"(?:time|on\s+(?:the\s+)?(?:phone|hold|line))\b",
    r"\bon hold\s+(?:for\s+)?(?:about|around|almost|nearly|over|more than)\s+(?:\d+|an?|one|two"
    r"|three|four|five|half an?)\b",
    r"\b(?:still\s+(?:haven't|have not|hasn't|has not|not|didn't)\s+(?:received|got|gotten|heard"
    r"|arrived|been))\b",
    r"\b(?:for ages|forever|weeks on end|months on end|over a (?:week|month|fortnight))\b",
)

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

PROFANITY = _rx(
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

SARCASM = _rx(
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


THREAT_TO_CANCEL = _rx(
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
CANCELLATION_REQUEST = _rx(
    r"\b(?:cancel\w*\s+(?:(?:my|our|the|this|an?)\s+)?|(?:terminat\w+|end|close|stop"
    r"|unsubscrib\w+\s+from)\s+(?:my|our|this)\s+)(?:\w+\s+){0,2}?(?:order|subscription|membership|account|contract|plan|booking"
    r"|reservation|service|renewal|trial|payment|direct debit|standing order)s?\b",
    r"\b(?:want|like|need|wish|trying|try|how)\s+(?:do\s+i\s+|can\s+i\s+|to\s+)?"
    r"(?:cancel|unsubscribe|terminate)\b",
    r"\bcancell?ation\s+(?:request|form|fee|policy|process|of\s+my)\b|\bunsubscribe\b",
)

CHARGEBACK = _rx(
    # an intent ("I'll file a chargeback"), not a question about the chargeback policy
    r"\b(?:file|filing|raise|raising|do|doing|initiate|initiating|request|requesting|open|opening"
    r"|issue|issuing|go for|going for|start|starting|a|another)\s+(?:a\s+)?charge[- ]?back\b",
    r"\bdispute\s+(?:the|this|that|these|a|my)?\s*(?:charge|payment|transaction|debit)s?\b",
    r"\b(?:call|contact|tell|go to|ask|talk to|speak to|report (?:this|you) to)\s+my\s+(?:bank"
    r"|credit card (?:company|provider|issuer)|card (?:issuer|provider|company)|credit union)\b",
    r"\b(?:reverse|cancel)\s+the\s+(?:charge|payment|transaction)\s+(?:with|through|via)\b",
    r"\b(?:paypal|card)\s+(?:claim|dispute)\b|\bopen(?:ing)?\s+a\s+(?:dispute|claim)\b",
)

LEGAL_THREAT = _rx(
    r"\b(?:lawyers?|attorneys?|solicitors?|lawsuit|legal action|legal proceedings|small claims"
    r"|ombudsman|trading standards|consumer protection|consumer rights act|class action"
    r"|better business bureau|bbb|ftc|cfpb|regulator)\b",
    r"\b(?:will|going to|gonna|'ll|to|can|could|should|i|we)\s+sue\b|\bsue\s+(?:you|your|them)\b",
    r"\b(?:take|taking|see)\s+(?:you|this|them)\s+(?:to|in)\s+court\b|\bcourt action\b",
    r"\breport(?:ing)?\s+(?:you|this|your company)\s+to\s+(?:the\s+)?"
    r"(?:authorities|regulator|police)\b",
    r"\b(?:abogado|demanda|avocat|anwalt|klage|advogado)\b",
)

SAFETY = _rx(
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
_NOT_SAFETY = re.compile(
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

# Words of exasperation: the customer is at the end of their patience, with or without a cue
# (repeat contact, a wait) that says why.
EXASPERATION = _rx(
    r"\b(?:unbelievable|useless|disgrace\w*|appalling|pathetic|shambles|shambolic|ridiculous"
    r"|unacceptable|incompetent|outrageous|furious|livid|fuming|disgusting|infuriating)\b",
    r"\b(?:fed up|sick (?:and tired )?of|had enough|at my wits'? end|last straw|waste of (?:my )?"
    r"(?:time|money)|(?:what|such|absolute|total|complete) (?:a )?joke|worst (?:service|company"
    r"|experience|support))\b",
)

HEDGED = _rx(
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

GRATITUDE = _rx(
    r"\b(?:thanks|thank\s+you|thank\s+u|thx|thnx|ty|tysm|cheers|much\s+appreciated|appreciate(?:d)?"
    r"|grateful|kudos|many thanks|gracias|merci|danke|obrigad[oa]|grazie|arigato)\b",
)
_NOT_GRATITUDE = re.compile(
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


def _all_caps(text: str) -> bool:
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


def _sarcasm(text: str, context: Sequence[str] | None) -> bool:
    if _any(SARCASM, text):
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
        strict = _any(GRATITUDE, text)
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
        _any(REPEAT_CONTACT, lowered)
        or _any(ELAPSED_TIME, lowered)
        or _any(PROFANITY, lowered)
        or _all_caps(own)
    )


def own_words(text: str) -> str:
    """The customer's own words: email-quoted lines and text in quotation marks removed."""
    return _QUOTED.sub(" ", _EMAIL_QUOTE_LINE.sub(" ", text))


def detect(text: str, context: Sequence[str] | None = None) -> tuple[str, ...]:
    """Names of the cues that fire on ``text``, in the order of ``reading.KNOWN_SIGNALS``."""
    original = own_words(text)
    own = original.lower()
    found: list[str] = []
    if _any(HUMAN_REQUEST, own, negatable=True, negation=_WISH_NEGATION):
        found.append("explicit_human_request")
    if _any(REPEAT_CONTACT, own, negatable=False):
        found.append("repeat_contact")
    if _any(ELAPSED_TIME, own):
        found.append("elapsed_time_complaint")
    if _all_caps(original):
        found.append("all_caps")
    if _any(PROFANITY, own):
        found.append("profanity")
    if _sarcasm(own, context):
        found.append("sarcasm_suspected")
    if _any(THREAT_TO_CANCEL, own, negatable=True, negation=_WISH_NEGATION):
        found.append("threat_to_cancel")

    if _any(CHARGEBACK, own, negatable=True):
        found.append("chargeback_threat")
    if _any(LEGAL_THREAT, own):
        found.append("legal_threat")
    if _any(SAFETY, _NOT_SAFETY.sub(" ", own), negatable=True):
        found.append("safety_concern")
    if _any(HEDGED, own):
        found.append("hedged_dissatisfaction")
    if _any(EXASPERATION, own, negatable=True):
        found.append("exasperation")
    if _any(GRATITUDE, _NOT_GRATITUDE.sub(" ", own)) and "sarcasm_suspected" not in found:
        found.append("gratitude")
    if "threat_to_cancel" not in found and _any(
        CANCELLATION_REQUEST, own, negatable=True, negation=_WISH_NEGATION
    ):
        found.append("cancellation_request")
    return tuple(found)
