"""The offline responder: an answer composed from the best article, with citations, nothing invented."""

from __future__ import annotations

import re

from agent.follow_up import is_follow_up
from agent.responders.base import Citation, Reply, ReplyRequest, TokenSink
from agent.responders.grounded.choose import choose, considered
from agent.responders.grounded.kinds import asked_kinds
from agent.responders.grounded.units import Unit, articles_of, units_of, with_conditions
from agent.responders.outcome_guard import unmade_outcome_claim
from knowledge.intent import question_intents
from knowledge.text import content_terms
from knowledge.types import Passage

_DELTA = re.compile(r"\S+\s*|\s+")

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
FOLLOW_UP_LEAD = "If that didn't work, here is what else our help centre suggests:"
NOTHING_MORE = (
    "I'm sorry that didn't sort it out. Our help centre has no further steps for this, so the "
    "next step is a person from our support team. Would you like me to bring one in?"
)


class GroundedResponder:
    """Answers from the best retrieved article: the sentence that answers first, then its steps
    intact and the conditions that apply, and "more in [1]".

    Nothing is generated: every sentence of the answer except the tone's opening line, the
    lead-ins and the closing offer is copied from a cited passage (a table row is read out as a
    fact). A second article is quoted only when it answers a part of the question the first does
    not, and is introduced as such. The hand-back note only steers which passages are left out:
    it is written for the bot, never for the customer.
    """

    name = "grounded"

    def __init__(self, *, max_passages: int = 2, words_per_delta: int = 3) -> None:
        self.max_passages = max_passages
        self.words_per_delta = words_per_delta

    def respond(self, request: ReplyRequest, on_token: TokenSink | None = None) -> Reply:
        reply = self.compose(request)
        if unmade_outcome_claim(reply.text) is not None:
            reply = self.cannot_answer(request)  # the final text, whatever put the claim there
        if on_token is not None:
            stream_text(reply.text, on_token, self.words_per_delta)
        return reply

    def cannot_answer(self, request: ReplyRequest, text: str = CANNOT_ANSWER) -> Reply:
        """The honest reply when the help centre does not answer: say so, offer a person."""
        lines = [request.acknowledgement, text]
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
        articles = articles_of(retrieval.passages, retrieval.supporting)
        earlier = _last_bot_text(request.history)
        if earlier is not None and is_follow_up(request.question):
            return self._follow_up(request, articles[0].chunks, earlier)
        # The searched text may carry the conversation's topic ("where is it?" after "my parcel").
        question = content_terms(request.question) | content_terms(retrieval.query)
        # A tentative match is offered from the single best article, with a caveat and an offer.
        kept = (
            considered(articles, question, most=self.max_passages)
            if retrieval.answerable
            else articles[:1]
        )
        settled, settled_terms = _settled_note(request.notes, question)
        units = [unit for a, article in enumerate(kept) for unit in units_of(a, article)]
        # A passage sentence that states a handoff or an approval as done would be untrue here.
        units = [u for u in units if unmade_outcome_claim(u.text) is None]
        # A unit that contains everything a colleague settled would only repeat it.
        if settled_terms:
            units = [u for u in units if not settled_terms <= u.terms] or units
        title_terms = content_terms(kept[0].chunks[0].title)
        chosen = choose(
            units,
            question,
            _asked(request.question),
            concise=request.tone in CONCISE_TONES,
            main_topic=bool(question) and 4 * len(question & title_terms) >= 3 * len(question),
        )
        cited = sorted({u.passage for u in chosen})
        lines: list[str] = []
        if request.acknowledgement:
            lines.append(request.acknowledgement)
        if settled:
            lines.append(SETTLED_LEAD)
        if retrieval.tentative:
            lines.append(TENTATIVE_LEAD)
        main = with_conditions([u for u in chosen if u.passage == cited[0]])
        lines.append(_join(main) + ("" if len(cited) > 1 else "\n\nMore in [1]."))
        for number, passage in enumerate(cited[1:], 2):
            extra = with_conditions([u for u in chosen if u.passage == passage])
            title = kept[passage].chunks[0].title
            lines.append(f"Also from “{title}” [{number}]: " + _join(extra))
        if len(cited) > 1:
            lines[-1 - (len(cited) - 1)] += " [1]"
        if retrieval.tentative or request.tone not in CONCISE_TONES:
            lines.append(NEXT_STEP)
        return Reply(
            text="\n\n".join(lines),
            citations=[_citation(kept[p].chunks[0]) for p in cited],
            grounded=True,
            responder=self.name,
        )

    def _follow_up(self, request: ReplyRequest, chunks: list[Passage], earlier: str) -> Reply:
        """The next steps of the article last cited, or a person when it has nothing more."""
        units = [
            u
            for u in units_of(0, articles_of(chunks[:1], chunks[1:])[0])
            if u.text and unmade_outcome_claim(u.text) is None
        ]
        said = [u for u in units if _said(u, earlier)]
        last = max(((u.chunk, u.position) for u in said), default=(-1, -1))
        fresh = [u for u in units if not _said(u, earlier)]
        # What comes after the last thing said first (the article's next step), then anything
        # earlier that was skipped; only what offers something to do or know.
        useful = [u for u in fresh if u.offers] or [
            u for u in fresh if (u.chunk, u.position) > last
        ]
        after = sorted(useful, key=lambda u: ((u.chunk, u.position) < last, u.chunk, u.position))
        if not after:
            return self.cannot_answer(request, NOTHING_MORE)
        lines = (
            [request.acknowledgement, FOLLOW_UP_LEAD]
            if request.acknowledgement
            else [FOLLOW_UP_LEAD]
        )
        lines.append(_join([u.text for u in after[:2]]) + " [1]")
        lines.append(NEXT_STEP)
        return Reply(
            text="\n\n".join(lines),
            citations=[_citation(chunks[0])],
            grounded=True,
            responder=self.name,
        )


def _asked(question: str) -> frozenset[str]:
    """The kinds of fact the question wants; something gone wrong or a task wants the steps."""
    asked = asked_kinds(question)
    if {"problem", "howto"} & question_intents(question):
        asked |= {"steps"}
    return asked


def _said(unit: Unit, earlier: str) -> bool:
    first_line = unit.text.split("\n", 1)[0]
    return first_line[:60] in earlier


def _last_bot_text(history: list[dict[str, str]]) -> str | None:
    """Everything the bot said in the recent history (None if it said nothing): a follow-up must
    not repeat any of it."""
    said = [entry.get("text", "") for entry in history if entry.get("role") == "bot"]
    return "\n".join(said) if said else None


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


def _citation(passage: Passage) -> Citation:
    return Citation(
        doc_id=passage.doc_id, chunk_id=passage.chunk_id, title=passage.title, url=passage.url
    )


def stream_text(text: str, on_token: TokenSink, words_per_delta: int = 3) -> None:
    """Send ``text`` in small word groups; the deltas concatenate to exactly ``text``."""
    pieces = _DELTA.findall(text)
    for start in range(0, len(pieces), words_per_delta):
        on_token("".join(pieces[start : start + words_per_delta]))
