"""`tideline chat`: a terminal conversation with the bot; piped lines are read as customer turns."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TextIO

from agent.bot import TurnResult
from agent.messages import InvalidMessage
from server.commands.common import add_common_options, settings_from_args
from server.runtime import open_runtime


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="chat with the bot in the terminal",
        description="Chat with the bot on the sample help centre (or your own knowledge base). "
        "Lines piped on stdin are read as customer turns.",
    )
    add_common_options(parser)
    parser.add_argument(
        "--explain", action="store_true", help="print each turn's reading, trend, risk and decision"
    )
    parser.add_argument("--conversation", help="continue this conversation id instead of a new one")
    parser.add_argument("--customer", help="a known customer id (enables the repeat-contact rule)")
    parser.set_defaults(handler=run_chat)


def run_chat(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    interactive = sys.stdin.isatty()
    out = sys.stdout
    with open_runtime(settings, progress=interactive, say=_say) as runtime:
        service = runtime.conversations
        conversation_id = args.conversation or service.start_conversation(customer_id=args.customer)
        if interactive:
            print(
                f"Tideline chat · conversation {conversation_id} · "
                f"responder {runtime.responder.name} · analyzer {runtime.analyzer.name}\n"
                "Type your question; Ctrl-D to leave.",
                file=out,
            )
        else:
            print(f"conversation {conversation_id}", file=out)
        for line in _customer_lines(interactive):
            if not interactive:
                print(f"you> {line}", file=out)
            print("bot> ", end="", file=out, flush=True)
            try:
                result = service.customer_message(
                    conversation_id, line, on_token=lambda d: print(d, end="", file=out, flush=True)
                )
            except InvalidMessage as exc:
                print(f"(not sent: {exc})", file=out)
                continue
            _finish_turn(result, out, explain=args.explain)
    return 0


def _customer_lines(interactive: bool) -> Iterator[str]:
    if not interactive:
        yield from (line.rstrip("\n") for line in sys.stdin if line.strip())
        return
    while True:
        try:
            line = input("you> ")
        except EOFError:
            print()
            return
        if line.strip():
            yield line


def _finish_turn(result: TurnResult, out: TextIO, *, explain: bool) -> None:
    if result.reply is None:
        print("(a person will answer here; your message was passed on)", file=out)
    elif result.handed_off:
        print(result.reply.text, file=out)
    else:
        print(file=out)  # the reply itself was streamed
        for number, citation in enumerate(result.reply.citations, 1):
            where = f" <{citation.url}>" if citation.url else ""
            print(f"     [{number}] {citation.title}{where}", file=out)
    if explain:
        print(explain_turn(result), file=out)
    if result.handed_off:
        print(handoff_report(result), file=out)


def explain_turn(result: TurnResult) -> str:
    """The turn's reading, trajectory, retrieval and decision, for `--explain`."""
    r, s, d = result.reading, result.sentiment, result.decision
    signals = ", ".join(r.signals) or "none"
    top = result.retrieval.passages[0].doc_id if result.retrieval.passages else "-"
    lines = [
        f"  ┌ turn {result.turn} · reading ({r.analyzer}): score {r.score:+.2f} {r.label}, "
        f"frustration {r.frustration:.2f}, urgency {r.urgency:.2f}, confidence {r.confidence:.2f}",
        f"  │ signals: {signals}",
        f"  │ trend {s.trend} (slope {s.slope:+.2f}), "
        f"consecutive negative {s.consecutive_negative}, "
        f"peak frustration {s.peak_frustration:.2f}, arc {s.arc:+.2f}",
        f"  │ retrieval: confidence {result.retrieval.confidence:.2f}, top {top}",
        f"  │ decision: {'ESCALATE' if d.escalate else 'answer'} · rule {d.rule or '-'} · "
        f"severity {d.severity} · risk {d.risk:.2f} · tone {d.tone}"
        + (" · priority raised" if d.raise_priority else ""),
        f"  └ {d.reason}",
    ]
    return "\n".join(lines)


def handoff_report(result: TurnResult) -> str:
    """What the human agent receives, printed when the conversation is handed off."""
    ticket = result.handoff or {}

    def indent(text: str) -> str:
        return "    " + text.replace("\n", "\n    ")

    return (
        "  ── handed off to a person "
        f"(queue position {ticket.get('position', '?')}, severity {result.decision.severity}) ──\n"
        f"  summary:\n{indent(ticket.get('summary', ''))}\n"
        f"  rationale:\n{indent(ticket.get('rationale', ''))}"
    )


def _say(text: str) -> None:
    """Each start-up step on stderr, so the first ~20 s are not one silent line."""
    print(f"Tideline: {text}", file=sys.stderr, flush=True)
