"""`tideline ask`: the bot's reply to every question of a JSONL file, to test a help centre in bulk.

A support lead runs this before going live: each line `{query, ...}` gets
`answer: {text, citations: [{doc_id, chunk_id, title, url}], answered, confidence}`. Replies come
from the grounded responder (offline) unless a chat model is configured. Each question is answered
on its own, in the neutral tone, as the first message of a conversation.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from agent.llm import build_chat_model
from agent.policy.tone import NEUTRAL
from agent.responders.base import Reply, ReplyRequest
from knowledge import ensure_sample_loaded
from knowledge.types import RetrievalResult
from server.commands.ask_report import write_report
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import (
    CommandError,
    atomic_jsonl_writer,
    count_lines,
    read_jsonl,
    write_line,
)
from server.runtime import build_responder, open_settings_knowledge_base


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="the bot's reply to every question of a JSONL file (test a help centre in bulk)",
        description="Each line {query, ...} gets answer: {text, citations, answered, confidence}. "
        "Offline by default; through the chat model when one is configured. A line with 'gold' "
        "(a list of doc ids) is also checked: is the first citation one of them?",
    )
    add_common_options(parser)
    parser.add_argument("--input", type=Path, required=True, help="JSONL of {query, ...}")
    parser.add_argument("--output", type=Path, required=True, help="where the answers go (JSONL)")
    parser.add_argument(
        "--report", type=Path, help="folder for an HTML page of answers beside their sources"
    )
    parser.set_defaults(handler=run_ask)


@dataclass
class Tally:
    """What the summary line counts."""

    answered: int = 0
    declined: int = 0
    low_confidence: int = 0  # answered, but with a caveat (the tentative band)
    checked: int = 0  # lines with a gold list
    first_correct: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: dict[str, Any], reply: Reply, retrieval: RetrievalResult) -> None:
        if reply.grounded:
            self.answered += 1
            self.low_confidence += int(retrieval.tentative)
        else:
            self.declined += 1
        gold = row.get("gold")
        if isinstance(gold, list) and gold:
            self.checked += 1
            first = reply.citations[0].doc_id if reply.citations else None
            self.first_correct += int(first in gold)
        self.rows.append(row)

    def summary(self) -> str:
        total = self.answered + self.declined
        text = (
            f"{total} questions: {self.answered} answered ({self.low_confidence} with low "
            f"confidence), {self.declined} declined"
        )
        if self.checked:
            text += f"; first citation correct on {self.first_correct} of {self.checked} with gold"
        return text


def answer_fields(reply: Reply, retrieval: RetrievalResult) -> dict[str, Any]:
    return {
        "text": reply.text,
        "citations": [c.to_dict() for c in reply.citations],
        "answered": reply.grounded,
        "confidence": retrieval.confidence,
    }


def run_ask(args: argparse.Namespace) -> int:
    # Read and check every line first: a bad line costs nothing and writes nothing.
    rows = list(read_jsonl(args.input, required=("query",)))
    for number, row in rows:
        if not isinstance(row["query"], str) or not row["query"].strip():
            raise CommandError(f"{args.input}:{number}: 'query' must be a non-empty string")
    if args.report is not None and args.report.exists() and not args.report.is_dir():
        raise CommandError(f"{args.report}: not a folder")
    settings = settings_from_args(args)
    responder = build_responder(build_chat_model(settings))
    tally = Tally()
    sources: dict[str, str] = {}
    try:
        kb = open_settings_knowledge_base(settings)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    with kb, atomic_jsonl_writer(args.output) as out:
        if kb.count() == 0:
            if settings.collection != "helpcentre":
                raise CommandError(
                    f"collection {kb.name!r} is empty: load it first with `tideline kb ingest PATH`"
                )
            ensure_sample_loaded(kb, progress=True)
        for _, row in tqdm(rows, total=count_lines(args.input), unit="question", file=sys.stderr):
            retrieval = kb.search(row["query"], 5)
            reply = responder.respond(
                ReplyRequest(
                    question=row["query"],
                    retrieval=retrieval,
                    tone=NEUTRAL.id,
                    tone_instruction=NEUTRAL.instruction,
                )
            )
            row["answer"] = answer_fields(reply, retrieval)
            for passage in [*retrieval.passages, *retrieval.supporting]:
                sources.setdefault(passage.chunk_id, passage.text)
            tally.add(row, reply, retrieval)
            write_line(out, row)
    print(f"{tally.summary()} -> {args.output}", file=sys.stderr)
    if args.report is not None:
        page = write_report(args.report, tally.rows, sources, summary=tally.summary())
        print(f"report: {page}", file=sys.stderr)
    return 0
