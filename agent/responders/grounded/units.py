"""An article cut into answer units: sentences, whole runs of steps, a table's rows as readable facts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.policy.tone import BOILERPLATE_PHRASES
from agent.responders.grounded.kinds import offered_kinds
from knowledge.text import content_terms
from knowledge.types import Passage

_LIST_ITEM = re.compile(r"^(\d+[.)]|[-*\u2022])\s+")
_HEADING = re.compile(r"^#{1,6}\s")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u201c])")
_MARKUP = re.compile(r"\*\*|__|`")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
_TERMINAL = re.compile(r"[.!?:)\"\u201d]$")


def split_units(text: str) -> list[str]:
    """Sentences of prose, each run of list items (numbered steps) kept as one unit, table rows.

    A sentence ending in ":" introduces the list after it, so it travels with that list. A table
    becomes one list of facts, a line per row: "PayPal: 3-5 business days" for two columns, and
    with the column names for more ("Chat \u2014 How: Help > Chat with us; Available: 24/7"),
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
            if not _TABLE_RULE.match(line):
                cells = [c.strip() for c in line.strip("|").split("|")]
                if not header:
                    flush_items()
                    header = cells
                else:
                    # A table's rows stay together, as one list of facts.
                    items.append(f"- {_table_row(header, cells)}")
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
    if len(header) == 2 and len(cells) >= 2:
        return f"{cells[0]}: {cells[1]}"  # the header only repeats what the question asked
    named = [f"{h}: {c}" if h else c for h, c in zip(header[1:], cells[1:], strict=False) if c]
    return f"{cells[0]} \u2014 {'; '.join(named)}" if named else cells[0]


@dataclass(frozen=True)
class Unit:
    passage: int  # index of its article among the considered ones, best first
    chunk: int  # the chunk's place in its article (reading order)
    rank: int  # the chunk's retrieval rank within its article, 0 = best
    position: int  # place in its chunk
    text: str
    terms: frozenset[str]
    heading: frozenset[str]  # terms of the section the chunk sits under
    offers: frozenset[str]  # kinds of fact it carries (time, money, steps, contact)
    lead: bool  # the article's opening sentence, which usually states its main fact
    condition: str = ""  # the section's heading when it states a condition ("If you have a code")


@dataclass(frozen=True)
class Article:
    chunks: list[Passage]  # best first; the first is the retrieved passage


def articles_of(passages: list[Passage], supporting: list[Passage]) -> list[Article]:
    """Each retrieved article with whatever more of it the retriever supplied."""
    articles = []
    for passage in passages:
        chunks = [passage]
        for extra in supporting:
            if extra.doc_id == passage.doc_id and all(c.chunk_id != extra.chunk_id for c in chunks):
                chunks.append(extra)
        articles.append(Article(chunks))
    return articles


def units_of(article_index: int, article: Article) -> list[Unit]:
    units: list[Unit] = []
    for rank, chunk in enumerate(article.chunks):
        place = _chunk_place(chunk.chunk_id)
        heading = content_terms(chunk.section)
        texts = split_units(chunk.text)
        for position, text in enumerate(texts):
            if is_boilerplate(text) or _fragment(text, position, len(texts), place):
                continue
            label = chunk.section.rpartition(" > ")[2].rstrip(":?.")
            if position == 0 and _LIST_ITEM.match(text) and label:
                # A list that opens its section is introduced by the section's heading
                # ("What is kept:"), without which its items say nothing of what they list.
                text = f"{label}:\n{text}"
            intro, _, items = text.partition("\n")
            if items and intro.endswith(":") and _LEANS_BACK.search(intro) and label:
                # "You can also find it any time:" needs the sentence before it; quoted alone,
                # the list is introduced by its section's heading instead.
                text = f"{label}:\n{items}"
            units.append(
                Unit(
                    passage=article_index,
                    chunk=place,
                    rank=rank,
                    position=position,
                    text=text,
                    terms=content_terms(text),
                    heading=heading,
                    condition=_condition(chunk.section),
                    offers=offered_kinds(text),
                    lead=place == 0 and position == 0,
                )
            )
    return units


_LEANS_BACK = re.compile(r"\b(?:it|its|this|that|them|these|those|also)\b", re.IGNORECASE)
_CONDITION = re.compile(r"^(?:if|unless|only if)\b", re.IGNORECASE)


def _condition(section: str) -> str:
    """The last heading of a section path when it is a condition, else ""."""
    last = section.rpartition(" > ")[2].strip().rstrip(":.")
    # "When will I get my money back?" is a question the section answers, not a condition.
    return last if _CONDITION.match(last) and not last.endswith("?") else ""


def with_conditions(units: list[Unit]) -> list[str]:
    """The units' texts, each first one of a conditional section saying its condition: steps for
    "If you have no backup codes" must not read as steps for everyone."""
    texts = []
    stated: set[tuple[int, int]] = set()
    for unit in units:
        text = unit.text
        place = (unit.passage, unit.chunk)
        # A unit that opens with a condition of its own ("If the payment has not ...") says it.
        if unit.condition and place not in stated and not _CONDITION.match(text):
            text = f"{unit.condition}: {_lower_first(text)}"
        if unit.condition:
            stated.add(place)
        texts.append(text)
    return texts


def _lower_first(text: str) -> str:
    """ "Sign in ..." continues a sentence as "sign in ..."; "EU ..." and "1. ..." stay."""
    if text.startswith("A ") or (len(text) > 1 and text[0].isupper() and text[1].islower()):
        return text[0].lower() + text[1:]
    return text


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
