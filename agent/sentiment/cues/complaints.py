"""Cues of a customer who has waited or come back: a request for a person, repeat contact, time waited."""

from __future__ import annotations

from agent.sentiment.cues.matching import rx

_PERSON = (
    r"(?:(?:a|an|the|your|some|one of your|a real|an actual|a live|a real live)\s+)?"
    r"(?:real\s+|actual\s+|live\s+|human\s+)?"
    r"(?:person|people|human|humans|human being|agent|agents|manager|managers|representative|rep"
    r"|supervisor|someone|somebody|anyone|anybody|operator|advisor|adviser|team lead(?:er)?"
    r"|staff member|employee|customer service rep(?:resentative)?)\b"
)

HUMAN_REQUEST = rx(
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

REPEAT_CONTACT = rx(
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

ELAPSED_TIME = rx(
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
