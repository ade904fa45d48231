"""The offline responder: an extractive answer from the best retrieved passages, with citations."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from agent.policy.tone import BOILERPLATE_PHRASES
from agent.responders.base import Citation, Reply, ReplyRequest, TokenSink
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
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LIST_ITEM = re.compile(r"^(\d+[.)]|[-*\u2022])\s+")
_HEADING = re.compile(r"^#{1,6}\s")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u201c])")
_MARKUP = re.compile(r"\*\*|__|`")
_DELTA = re.compile(r"\S+\s*|\s+")

# Tones that want the shortest useful answer and no closing offer.
CONCISE_TONES = frozenset({"neutral", "positive"})

CANNOT_ANSWER = (
    "I couldn't find an answer to this in our help centre, and I don't want to guess. "
    "I can bring in a person from our support team to look at it with you. Would you like that?"
)
TENTATIVE_LEAD = "I'm not certain this covers your question, but this is the closest our help centre has:"
NEXT_STEP = "If this doesn't sort it out, I can bring in a person from our support team."
SETTLED_PREFIX = "A colleague from our team already took care of this: "


def stem(word: str) -> str:
    """A deliberately crude suffix strip: enough to match "refunds" to "refund"."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def content_terms(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS)


def split_units(text: str) -> list[str]:
    """Sentences of prose, and each run of list items (numbered steps) kept as one unit.

    A sentence ending in ":" introduces the list after it, so it travels with that list.
    """
    units: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

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


@dataclass(frozen=True)
class _Unit:
    passage: int  # index into the considered passages, best first
    position: int  # place in its passage
    text: str
    terms: frozenset[str]


class GroundedResponder:
    """Answers with the sentences and steps of the top passages that best match the question.

    Nothing is generated: every sentence of the answer except the tone's opening line, the
    closing offer and the note of what a colleague settled is copied from a cited passage.
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
        # A tentative match is offered from the single best passage, with a caveat and an offer.
        question = content_terms(request.question)
        passages = (
            self._considered(retrieval.passages, question)
            if retrieval.answerable
            else retrieval.passages[:1]
        )
        settled, settled_terms = _settled_note(request.notes, question)
        units = [
            _Unit(p, i, text, content_terms(text))
            for p, passage in enumerate(passages)
            for i, text in enumerate(split_units(passage.text))
            if not is_boilerplate(text)
        ]
        # A unit that contains everything a colleague settled would only repeat it.
        if settled_terms:
            units = [u for u in units if not settled_terms <= u.terms] or units
        chosen = self._choose(units, question, concise=request.tone in CONCISE_TONES)
        cited = sorted({u.passage for u in chosen})
        number = {p: n for n, p in enumerate(cited, 1)}
        body = []
        for index, unit in enumerate(chosen):
            run_ends = index + 1 == len(chosen) or chosen[index + 1].passage != unit.passage
            # One marker per run of sentences from one passage; none when only one is cited.
            cite = len(cited) > 1 and run_ends
            body.append(_with_marker(unit.text, number[unit.passage]) if cite else unit.text)
        lines: list[str] = []
        if request.acknowledgement:
            lines.append(request.acknowledgement)
        if settled:
            lines.append(SETTLED_PREFIX + settled.rstrip(".") + ".")
        if retrieval.tentative:
            lines.append(TENTATIVE_LEAD)
        lines.append(_join(body))
        if retrieval.tentative or request.tone not in CONCISE_TONES:
            lines.append(NEXT_STEP)
        return Reply(
            text="\n\n".join(lines),
            citations=[_citation(passages[p]) for p in cited],
            grounded=True,
            responder=self.name,
        )

    def _considered(self, passages: list[Passage], question: frozenset[str]) -> list[Passage]:
        """The best passage, plus any that ranks nearly as high or answers another part of the question.

        A second passage that only shares the first one's words would dilute the answer; one that
        covers two or more question terms the first lacks is the other half of a two-part message.
        """
        ranked = sorted(passages, key=lambda p: p.score, reverse=True)
        best = ranked[0].score
        kept = [ranked[0]]
        covered = content_terms(ranked[0].text) & question
        for passage in ranked[1:]:
            if len(kept) >= self.max_passages:
                break
            if passage.chunk_id in {k.chunk_id for k in kept}:
                continue
            close = best <= 0 or passage.score >= best * self.passage_score_ratio
            adds = (content_terms(passage.text) & question) - covered
            if close or len(adds) >= 2:
                kept.append(passage)
                covered |= adds
        return kept

    def _choose(
        self, units: list[_Unit], question: frozenset[str], *, concise: bool
    ) -> list[_Unit]:
        if not units:
            return []
        # Rarer terms say more about which sentence answers: weight overlap by inverse frequency.
        frequency: dict[str, int] = {}
        for unit in units:
            for term in unit.terms & question:
                frequency[term] = frequency.get(term, 0) + 1

        def score(unit: _Unit) -> float:
            overlap = sum(math.log(1 + len(units) / frequency[t]) for t in unit.terms & question)
            return overlap - 0.5 * unit.passage - 0.05 * unit.position

        limit = 3 if concise else 4
        ranked = sorted((u for u in units if u.terms & question), key=score, reverse=True)
        chosen: list[_Unit] = []
        for unit in ranked:
            if len(chosen) >= limit:
                break
            if not any(_near_duplicate(unit, other) for other in chosen):
                chosen.append(unit)
        if not any(u.passage == 0 for u in chosen):
            # Retrieval ranked this passage first even if the wording differs: lead with it.
            chosen = [next(u for u in units if u.passage == 0), *chosen][:limit]
        if _sentences(chosen) < 2:
            neighbour = _neighbour(units, chosen[0])
            if neighbour is not None:
                chosen.append(neighbour)
        return sorted(chosen, key=lambda u: (u.passage, u.position))


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
    """What a human already settled, when it bears on this question (else nothing)."""
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
