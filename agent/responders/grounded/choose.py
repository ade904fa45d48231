"""Which articles and which of their units make the answer: the best article first, another only
when it answers a part of the question the first does not."""

from __future__ import annotations

import math
import re

from agent.responders.grounded.units import Article, Unit
from knowledge.text import content_terms

_SIGNPOST = re.compile(
    r"(?:here is|here's|here are|this article|this page|the (?:steps|sections?) below)\b", re.I
)


def _sentences(units: list[Unit]) -> int:
    return sum(max(1, u.text.count("\n") + 1) for u in units)


def _neighbour(units: list[Unit], unit: Unit) -> Unit | None:
    same = {u.position: u for u in units if u.passage == unit.passage}
    return same.get(unit.position + 1) or same.get(unit.position - 1)


def _near_duplicate(a: Unit, b: Unit) -> bool:
    if not a.terms or not b.terms:
        return a.text == b.text
    return len(a.terms & b.terms) / len(a.terms | b.terms) >= 0.8


# A sentence that opens on a pronoun leans on the one before it.
_DANGLING = re.compile(r"(?:It|This|That|They|These|Those|He|She)\b(?! (?:is|are) (?:why|how))")
# "see the article on X" points elsewhere instead of answering.
_CROSS_REFERENCE = re.compile(r"\bsee (?:the|our) (?:article|section|page)\b", re.IGNORECASE)

# Section headings that announce durations ("Typical timelines", "How long it takes").
_HEADING_OFFERS = {"time": frozenset({"tim", "timelin", "long", "quick", "soon", "day", "week"})}

# About this many words of answer, unless the steps need more (a run of steps is never cut).
WORD_BUDGET = 120


def considered(articles: list[Article], question: frozenset[str], *, most: int) -> list[Article]:
    """The best article, plus any that answers a part of the question the best one does not.

    A second article that only shares the first one's words would dilute the answer; one that
    covers two or more question terms the first lacks is the other half of a two-part message.
    """
    kept = [articles[0]]
    covered = (
        frozenset().union(
            *(content_terms(f"{c.title} {c.section} {c.text}") for c in articles[0].chunks)
        )
        & question
    )
    for article in articles[1:]:
        if len(kept) >= most:
            break
        adds = (content_terms(article.chunks[0].text) & question) - covered
        # The ranker must rate it too (scores are its probabilities): shared small words are not
        # the other half of a question.
        rated = article.chunks[0].score >= 0.2 * articles[0].chunks[0].score
        if len(adds) >= 2 and rated:
            kept.append(article)
            covered |= adds
    return kept


def choose(
    units: list[Unit],
    question: frozenset[str],
    asked: frozenset[str],
    *,
    concise: bool,
    main_topic: bool = False,
) -> list[Unit]:
    """The units of the answer, the one that answers best first, the others in reading order.

    ``main_topic``: the question is what the best article's title says ("how long does a refund
    take?" to "How long a refund takes"), so its opening sections answer it, not the later ones
    that handle special cases.
    """
    if not units:
        return []
    # Rarer terms say more about which sentence answers: weight overlap by inverse frequency.
    frequency: dict[str, int] = {}
    for unit in units:
        for term in unit.terms & question:
            frequency[term] = frequency.get(term, 0) + 1
    weight = {t: math.log(1 + len(units) / n) for t, n in frequency.items()}

    def relevance(unit: Unit) -> float:
        overlap = sum(weight[t] for t in unit.terms & question)
        # A long block of steps meets many words by its length alone.
        overlap *= min(1.0, math.sqrt(24 / max(24, len(unit.terms))))
        # A section titled with the question's words answers it even in other words.
        overlap += 0.5 * sum(weight.get(t, 1.0) for t in unit.heading & question)
        return overlap

    def score(unit: Unit) -> float:
        value = relevance(unit)
        if unit.offers & asked:
            value += 1.5  # carries the kind of fact asked for: a duration, a price, the steps
        elif unit.offers:
            value += 0.3  # a concrete detail beats a general remark
        if unit.heading & _HEADING_OFFERS.get("time" if "time" in asked else "", frozenset()):
            value += 1.5  # under "Typical timelines" for "how long ...?": the table that answers
        if unit.lead:
            value += 0.5
        if main_topic and unit.passage == 0 and unit.chunk <= 1:
            value += 1.0
        if _SIGNPOST.match(unit.text):
            value -= 1.0  # "Here is what to expect" promises the answer without giving it
        return value - 1.0 * unit.passage - 0.2 * unit.rank - 0.05 * unit.position

    def candidate(unit: Unit) -> bool:
        if _DANGLING.match(unit.text):
            return False  # "It works for 7 days ..." means nothing without the sentence before
        if unit.terms & question:
            return True
        # Within the best article a sentence may answer without repeating the question's words.
        return unit.passage == 0 and bool(unit.offers & asked)

    # A section whose heading says most of the question answers it; else a question that is
    # the article's title is answered by its opening sections.
    if any(2 * len(u.heading & question) >= len(question) for u in units if u.passage == 0):
        main_topic = False
    limit = 3 if concise else 4
    ranked = sorted(
        (u for u in units if candidate(u) and not _CROSS_REFERENCE.search(u.text)),
        key=score,
        reverse=True,
    )
    chosen: list[Unit] = []
    words = 0
    for unit in ranked:
        if len(chosen) >= limit:
            break
        size = len(unit.text.split())
        # The first unit is kept whole however long its steps; after it, about WORD_BUDGET words.
        if chosen and words + size > WORD_BUDGET:
            continue
        if not any(_near_duplicate(unit, other) for other in chosen):
            chosen.append(unit)
            words += size
    if not any(u.passage == 0 for u in chosen):
        # Retrieval ranked this article first even if the wording differs: lead with it.
        chosen = [next(u for u in units if u.passage == 0), *chosen][:limit]
    if _sentences(chosen) < 2:
        neighbour = _neighbour(units, chosen[0])
        if neighbour is not None:
            chosen.append(neighbour)
    first = chosen[0]
    rest = sorted(chosen[1:], key=lambda u: (u.passage, u.chunk, u.position))
    if "\n" in first.text or any(
        u.passage == first.passage
        and u.position < first.position
        and u.chunk == first.chunk
        and "\n" in u.text
        for u in rest
    ):
        # Steps read in the article's order, with what introduces them.
        return sorted(chosen, key=lambda u: (u.passage, u.chunk, u.position))
    return [first, *rest]
