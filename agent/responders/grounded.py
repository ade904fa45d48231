"""The offline responder: an extractive answer from the best retrieved passages, with citations."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from agent.policy.tone import BOILERPLATE_PHRASES
from agent.responders.base import Citation, Reply, ReplyRequest, TokenSink
from agent.responders.outcome_guard import unmade_outcome_claim
from knowledge.types import Passage

_STOPWORD_TEXT = """a about above after again all also am an and any are as at be been before being
    below both
    but by can cannot could did do does doing don't down during each few for from further get got
    had has have having he her here hers him his how i i'm if in into is it it's its just me more
    most my myself no nor not now of off on once only or other our out over own please same she
    should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your yours hi hello hey thanks thank help need want know tell"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Digits and letters are separate words, so "5ghz" meets "5 GHz" and "2.4" stays one number.
_WORD = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)?")
_HYPHENATED = re.compile(r"(?<=[a-z])-(?=[a-z])")
# Initials of a run of capitalised words: "European Union" also answers to "EU".
_CAPITALISED_RUN = re.compile(r"\b(?:[A-Z][a-z]+\s+){1,3}[A-Z][a-z]+\b(?![\w-])")
_LIST_ITEM = re.compile(r"^(\d+[.)]|[-*\u2022])\s+")
_HEADING = re.compile(r"^#{1,6}\s")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u201c])")
_MARKUP = re.compile(r"\*\*|__|`")
_DELTA = re.compile(r"\S+\s*|\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
_SIGNPOST = re.compile(
    r"(?:here is|here's|here are|this article|this page|the (?:steps|sections?) below)\b", re.I
)
_TERMINAL = re.compile(r"[.!?:)\"\u201d]$")

_NUMBER_WORDS = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty)"
_UNITS_OF_TIME = r"(?:minute|min|hour|hr|day|night|week|month|year)s?"
# What a sentence offers, by the kind of question it answers.
_OFFERS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        rf"\b\d+(?:\.\d+)?(?:\s*(?:-|\u2013|to)\s*\d+)?[\s-]*(?:[a-z]+ )?"
        rf"{_UNITS_OF_TIME}\b|\b{_NUMBER_WORDS}[\s-]+(?:business |working )?{_UNITS_OF_TIME}\b"
        r"|\b(?:same|next) (?:business |working )?day\b|\bimmediately\b|\binstantly\b"
        r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
        r"|\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\bday \d+\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"[$\u00a3\u20ac\u00a5]\s?\d|\b\d+(?:\.\d+)?\s?(?:%|percent\b)"
        r"|\b(?:usd|eur|gbp|dollars|pounds|euros)\b|\bfree\b|\bno (?:extra )?(?:fee|charge|cost)s?\b"
        r"|\bin full\b|\bdifference\b|\bprorat",
        re.IGNORECASE,
    ),
    "steps": re.compile(
        r"\w \> \w|^\d+[.)]\s|\n\d+[.)]\s|\b(?:choose|tap|select|click|press) \w"
        r"|^(?:go to|open|enter|hold|sign in|use|check|restart|turn|add|visit|update|reset|change)\b",
        re.IGNORECASE | re.MULTILINE,
    ),
    "contact": re.compile(
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:example|com|org|net|io)\b"
        r"|\+?\d[\d ().-]{7,}\d|\bcontact us\b|\bchat\b",
        re.IGNORECASE,
    ),
}
_ASKS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        r"\bhow (?:long|soon|quickly|fast|often|late|early)\b|\bhow many "
        rf"{_UNITS_OF_TIME}\b|\bwhen\b|\bwhat time\b|\bdeadline\b|\bexpir|\bwindow\b|\bstill\b"
        rf"|\b(?:\d+|{_NUMBER_WORDS}) (?:business |working )?{_UNITS_OF_TIME}\b|\blast\b|\byet\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"\bhow much\b|\bcost|\bprice|\bfees?\b|\bpay\b|\bpaid\b|\bcharg|\bexpensive\b"
        r"|\bcheap|\bmoney\b|\bbill|\bdiscount|\bdeal\b",
        re.IGNORECASE,
    ),
    "steps": re.compile(
        r"\bhow (?:do|can|should|would|to)\b|\bwhere\b|\bwhat (?:do|should) (?:i|we)\b|\bsteps?\b"
        r"|\bcan (?:i|we)\b|\bset ?up\b|\bchange\b|\bcancel|\bdelete\b|\bfind\b",
        re.IGNORECASE,
    ),
    "contact": re.compile(
        r"\bcontact|\be-?mail (?:address|you|support|us)\b|\breach (?:you|support|someone)\b"
        r"|\breport|\bphone number|\bcall (?:you|support)\b|\bwho (?:do|can|should)\b|\bsend\b"
        r"|\bforward|\bdown\b|\boutage|\bstatus\b",
        re.IGNORECASE,
    ),
}

# Tones that want the shortest useful answer and no closing offer.
CONCISE_TONES = frozenset({"neutral", "positive"})

CANNOT_ANSWER = (
    "I couldn't find an answer to this in our help centre, and I don't want to guess. "
    "I can bring in a person from our support team to look at it with you. Would you like that?"
)
TENTATIVE_LEAD = (
    "I'm not certain this covers your question, but this is the closest our help centre has:"
)
NEXT_STEP = "If this doesn't sort it out, I can bring in a person from our support team."
# Said instead of the hand-back note: the note is the agents' internal context, never quoted.
SETTLED_LEAD = "Picking up from where our support team left off:"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately crude suffix strip: enough to match "refunds" to "refund"."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    # "take" and "takes", "charge" and "charged" meet once a final e goes.
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


# Replies draw on the same help-centre sentences again and again: their terms are worth keeping.
@lru_cache(maxsize=16384)
def content_terms(text: str) -> frozenset[str]:
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if "-" in lowered:  # "wi-fi" is both "wi fi" and "wifi"
        words += _WORD.findall(_HYPHENATED.sub("", lowered))
    terms = {stem(w) for w in words if w not in STOPWORDS}
    terms.update(
        "".join(w[0] for w in run.split()).lower() for run in _CAPITALISED_RUN.findall(text)
    )
    return frozenset(terms)


def asked_kinds(question: str) -> frozenset[str]:
    """What kind of fact the question wants: a time, an amount, steps, a contact."""
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(question))


@lru_cache(maxsize=16384)
def offered_kinds(text: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _OFFERS.items() if pattern.search(text))


def split_units(text: str) -> list[str]:
    """Sentences of prose, each run of list items (numbered steps) kept as one unit, table rows.

    A sentence ending in ":" introduces the list after it, so it travels with that list. A table
    row becomes one line that names its columns ("European Union: Standard 3-7 business days"),
    because a bare row of cells means nothing without its header.
    """
    units: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    header: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            units.extend(s.strip() for s in _SENTENCE_BREAK.split(" ".join(paragraph)) if s.strip())
            paragraph.clear()

    def flush_items() -> None:
        if items:
            block = "\n".join(items)
            if units and units[-1].endswith(":"):
                block = units.pop() + "\n" + block
            units.append(block)
            items.clear()

    for raw in text.splitlines():
        line = _MARKUP.sub("", raw).strip()
        if line.startswith("|"):
            flush_paragraph()
            flush_items()
            if not _TABLE_RULE.match(line):
                cells = [c.strip() for c in line.strip("|").split("|")]
                if not header:
                    header = cells
                else:
                    units.append(_table_row(header, cells))
            continue
        header = []
        if not line or _HEADING.match(line):
            flush_paragraph()
            flush_items()
        elif _LIST_ITEM.match(line):
            flush_paragraph()
            items.append(line)
        elif items and raw[:1].isspace():  # an indented continuation of the last step
            items[-1] += " " + line
        else:
            flush_items()
            paragraph.append(line)
    flush_paragraph()
    flush_items()
    return units


def _table_row(header: list[str], cells: list[str]) -> str:
    named = [f"{h} {c}" if h else c for h, c in zip(header[1:], cells[1:], strict=False) if c]
    return f"{cells[0]}: {'; '.join(named)}." if named else cells[0]


@dataclass(frozen=True)
class _Unit:
    passage: int  # index of its article among the considered ones, best first
    chunk: int  # the chunk's place in its article (reading order)
    rank: int  # the chunk's retrieval rank within its article, 0 = best
    position: int  # place in its chunk
    text: str
    terms: frozenset[str]
    heading: frozenset[str]  # terms of the section the chunk sits under
    offers: frozenset[str]  # kinds of fact it carries (time, money, steps, contact)
    lead: bool  # the article's opening sentence, which usually states its main fact


@dataclass(frozen=True)
class _Article:
    chunks: list[Passage]  # best first; the first is the retrieved passage


class GroundedResponder:
    """Answers with the sentences and steps of the top passages that best match the question.

    Nothing is generated: every sentence of the answer except the tone's opening line, the
    closing offer and the line saying a colleague worked on it is copied from a cited passage
    (a table row is read out with its column names). The hand-back note itself only steers which
    passages are left out: it is written for the bot, never for the customer.
    """

    name = "grounded"

    def __init__(
        self,
        *,
        max_passages: int = 3,
        # Fused (reciprocal-rank) scores are compressed: 0.92 keeps a second article only when both
        # rankers put it nearly as high as the first, as for a message that raises two issues.
        passage_score_ratio: float = 0.92,
        words_per_delta: int = 3,
    ) -> None:
        self.max_passages = max_passages
        self.passage_score_ratio = passage_score_ratio
        self.words_per_delta = words_per_delta

    def respond(self, request: ReplyRequest, on_token: TokenSink | None = None) -> Reply:
        reply = self.compose(request)
        if unmade_outcome_claim(reply.text) is not None:
            reply = self.cannot_answer(request)  # the final text, whatever put the claim there
        if on_token is not None:
            stream_text(reply.text, on_token, self.words_per_delta)
        return reply

    def cannot_answer(self, request: ReplyRequest) -> Reply:
        """The honest reply when the help centre does not answer: say so, offer a person."""
        lines = [request.acknowledgement, CANNOT_ANSWER]
        return Reply(
            text="\n\n".join(line for line in lines if line),
            citations=[],
            grounded=False,
            responder=self.name,
        )

    def compose(self, request: ReplyRequest) -> Reply:
        retrieval = request.retrieval
        if not retrieval.usable:
            return self.cannot_answer(request)
        question = content_terms(request.question)
        articles = _articles(retrieval.passages, retrieval.supporting)
        # A tentative match is offered from the single best article, with a caveat and an offer.
        considered = self._considered(articles, question) if retrieval.answerable else articles[:1]
        settled, settled_terms = _settled_note(request.notes, question)
        units = [unit for a, article in enumerate(considered) for unit in _units(a, article)]
        # A passage sentence that states a handoff or an approval as done would be untrue here.
        units = [u for u in units if unmade_outcome_claim(u.text) is None]
        # A unit that contains everything a colleague settled would only repeat it.
        if settled_terms:
            units = [u for u in units if not settled_terms <= u.terms] or units
        chosen = self._choose(
            units,
            question,
            asked_kinds(request.question),
            concise=request.tone in CONCISE_TONES,
        )
        cited = sorted({u.passage for u in chosen})
        number = {p: n for n, p in enumerate(cited, 1)}
        body = []
        for index, unit in enumerate(chosen):
            run_ends = index + 1 == len(chosen) or chosen[index + 1].passage != unit.passage
            # One marker per run of sentences from one article; none when only one is cited.
            cite = len(cited) > 1 and run_ends
            body.append(_with_marker(unit.text, number[unit.passage]) if cite else unit.text)
        lines: list[str] = []
        if request.acknowledgement:
            lines.append(request.acknowledgement)
        if settled:
            lines.append(SETTLED_LEAD)
        if retrieval.tentative:
            lines.append(TENTATIVE_LEAD)
        lines.append(_join(body))
        if retrieval.tentative or request.tone not in CONCISE_TONES:
            lines.append(NEXT_STEP)
        return Reply(
            text="\n\n".join(lines),
            citations=[_citation(considered[p].chunks[0]) for p in cited],
            grounded=True,
            responder=self.name,
        )

    def _considered(self, articles: list[_Article], question: frozenset[str]) -> list[_Article]:
        """The best article, plus any that ranks nearly as high or answers another part of the question.

        A second article that only shares the first one's words would dilute the answer; one that
        covers two or more question terms the first lacks is the other half of a two-part message.
        """
        ranked = sorted(articles, key=lambda a: a.chunks[0].score, reverse=True)
        best = ranked[0].chunks[0].score
        kept = [ranked[0]]
        covered = frozenset().union(*(content_terms(c.text) for c in ranked[0].chunks)) & question
        for article in ranked[1:]:
            if len(kept) >= self.max_passages:
                break
            passage = article.chunks[0]
            close = best <= 0 or passage.score >= best * self.passage_score_ratio
            adds = (content_terms(passage.text) & question) - covered
            if close or len(adds) >= 2:
                kept.append(article)
                covered |= adds
        return kept

    def _choose(
        self,
        units: list[_Unit],
        question: frozenset[str],
        asked: frozenset[str],
        *,
        concise: bool,
    ) -> list[_Unit]:
        if not units:
            return []
        # Rarer terms say more about which sentence answers: weight overlap by inverse frequency.
        frequency: dict[str, int] = {}
        for unit in units:
            for term in unit.terms & question:
                frequency[term] = frequency.get(term, 0) + 1
        weight = {t: math.log(1 + len(units) / n) for t, n in frequency.items()}

        def relevance(unit: _Unit) -> float:
            overlap = sum(weight[t] for t in unit.terms & question)
            # A long block of steps meets many words by its length alone.
            overlap *= min(1.0, math.sqrt(24 / max(24, len(unit.terms))))
            # A section titled with the question's words answers it even in other words.
            overlap += 0.5 * sum(weight.get(t, 1.0) for t in unit.heading & question)
            return overlap

        def score(unit: _Unit) -> float:
            value = relevance(unit)
            if unit.offers & asked:
                value += 1.5  # carries the kind of fact asked for: a duration, a price, the steps
            elif unit.offers:
                value += 0.3  # a concrete detail beats a general remark
            if unit.lead:
                value += 0.5
            if _SIGNPOST.match(unit.text):
                value -= 1.0  # "Here is what to expect" promises the answer without giving it
            return value - 1.0 * unit.passage - 0.2 * unit.rank - 0.05 * unit.position

        def candidate(unit: _Unit) -> bool:
            if unit.terms & question:
                return True
            # Within the best article a sentence may answer without repeating the question's words.
            return unit.passage == 0 and bool(unit.offers & asked) and relevance(unit) > 0

        limit = 3 if concise else 4
        ranked = sorted((u for u in units if candidate(u)), key=score, reverse=True)
        chosen: list[_Unit] = []
        for unit in ranked:
            if len(chosen) >= limit:
                break
            if not any(_near_duplicate(unit, other) for other in chosen):
                chosen.append(unit)
        if not any(u.passage == 0 for u in chosen):
            # Retrieval ranked this article first even if the wording differs: lead with it.
            chosen = [next(u for u in units if u.passage == 0), *chosen][:limit]
        if _sentences(chosen) < 2:
            neighbour = _neighbour(units, chosen[0])
            if neighbour is not None:
                chosen.append(neighbour)
        return sorted(chosen, key=lambda u: (u.passage, u.chunk, u.position))


def _articles(passages: list[Passage], supporting: list[Passage]) -> list[_Article]:
    """Each retrieved article with whatever more of it the retriever supplied."""
    articles = []
    for passage in passages:
        chunks = [passage]
        for extra in supporting:
            if extra.doc_id == passage.doc_id and all(c.chunk_id != extra.chunk_id for c in chunks):
                chunks.append(extra)
        articles.append(_Article(chunks))
    return articles


def _units(article_index: int, article: _Article) -> list[_Unit]:
    units: list[_Unit] = []
    for rank, chunk in enumerate(article.chunks):
        place = _chunk_place(chunk.chunk_id)
        heading = content_terms(chunk.section)
        texts = split_units(chunk.text)
        for position, text in enumerate(texts):
            if is_boilerplate(text) or _fragment(text, position, len(texts), place):
                continue
            units.append(
                _Unit(
                    passage=article_index,
                    chunk=place,
                    rank=rank,
                    position=position,
                    text=text,
                    terms=content_terms(text),
                    heading=heading,
                    offers=offered_kinds(text),
                    lead=place == 0 and position == 0,
                )
            )
    return units


def _chunk_place(chunk_id: str) -> int:
    """Chunk ids are ``doc_id#index`` in reading order."""
    tail = chunk_id.rpartition("#")[2]
    return int(tail) if tail.isdigit() else 0


def _fragment(text: str, position: int, count: int, place: int) -> bool:
    """A sentence cut by a chunk boundary: it starts or ends in the middle."""
    if "\n" in text or _LIST_ITEM.match(text):
        return False
    if position == 0 and place > 0 and text[:1].islower():
        return True
    return position == count - 1 and count > 1 and not _TERMINAL.search(text)


def is_boilerplate(text: str) -> bool:
    """True for a stock phrase that reads as a brush-off (the tone policy's list)."""
    lowered = text.lower()
    return any(phrase in lowered for phrase in BOILERPLATE_PHRASES)


def _sentences(units: list[_Unit]) -> int:
    return sum(max(1, u.text.count("\n") + 1) for u in units)


def _neighbour(units: list[_Unit], unit: _Unit) -> _Unit | None:
    same = {u.position: u for u in units if u.passage == unit.passage}
    return same.get(unit.position + 1) or same.get(unit.position - 1)


def _near_duplicate(a: _Unit, b: _Unit) -> bool:
    if not a.terms or not b.terms:
        return a.text == b.text
    return len(a.terms & b.terms) / len(a.terms | b.terms) >= 0.8


def _settled_note(notes: list[str], question: frozenset[str]) -> tuple[str | None, frozenset[str]]:
    """What a human already settled, when it bears on this question (else nothing); used to
    leave out what would repeat it, never to be quoted."""
    for note in reversed(notes):
        settled = note.rsplit(":", 1)[-1].strip()
        terms = content_terms(settled)
        if settled and terms & question:
            return settled, terms
    return None, frozenset()


def _join(units: list[str]) -> str:
    """Prose sentences run together; a list (a multi-line unit) stands on its own lines."""
    out = ""
    previous = ""
    for text in units:
        if out:
            out += "\n" if "\n" in text or "\n" in previous else " "
        out += text
        previous = text
    return out


def _with_marker(text: str, number: int) -> str:
    """Put ``[n]`` before the closing punctuation: "... statement [1]."."""
    stripped = text.rstrip(".!?:")
    return f"{stripped} [{number}]{text[len(stripped) :]}"


def _citation(passage: Passage) -> Citation:
    return Citation(
        doc_id=passage.doc_id, chunk_id=passage.chunk_id, title=passage.title, url=passage.url
    )


def stream_text(text: str, on_token: TokenSink, words_per_delta: int = 3) -> None:
    """Send ``text`` in small word groups; the deltas concatenate to exactly ``text``."""
    pieces = _DELTA.findall(text)
    for start in range(0, len(pieces), words_per_delta):
        on_token("".join(pieces[start : start + words_per_delta]))
