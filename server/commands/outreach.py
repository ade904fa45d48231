"""`tideline outreach scan`: flag customers whose journey calls for outreach, with a draft each."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from agent.llm import build_chat_model
from agent.outreach.history import CustomerHistory, HistoryError, parse_history, parse_time
from agent.outreach.policy import OutreachPolicyError, read_outreach_policy
from agent.outreach.scan import ScanSetup, scan_customer
from agent.sentiment.model import ModelFileError
from agent.sentiment.offline import OfflineAnalyzer
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError, atomic_jsonl_writer, read_jsonl, write_line
from server.reader_vectors import reader_encoder


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "outreach",
        help="scan customer histories for proactive outreach (docs/outreach.md)",
        description="tideline outreach scan --input HISTORY.jsonl --output OUT.jsonl "
        "[--policy FILE] [--now ISO-8601]",
    )
    parser.add_argument("action", choices=["scan"], help="scan: flag customers and draft check-ins")
    parser.add_argument("--input", type=Path, help="JSONL, one customer history per line")
    parser.add_argument("--output", type=Path, help="JSONL: each line with an 'outreach' object")
    parser.add_argument("--policy", type=Path, default=None, help="outreach policy YAML")
    parser.add_argument(
        "--now", default=None, help="fix the clock (ISO-8601) for reproducible runs"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.input is None:
        raise CommandError(
            "outreach scan: scanning the customers in the records is not available yet; "
            "give --input HISTORY.jsonl --output OUT.jsonl"
        )
    if args.output is None:
        raise CommandError("outreach scan --input needs --output OUT.jsonl")
    try:
        now = parse_time(args.now, "--now") if args.now else datetime.now(UTC)
        policy = read_outreach_policy(args.policy)
        analyzer = OfflineAnalyzer.load(encoder=reader_encoder(settings_from_args(args)))
    except (HistoryError, OutreachPolicyError, ModelFileError) as exc:
        raise CommandError(str(exc)) from None
    # Read and check every line before writing anything, so a bad line leaves no output behind.
    rows: list[tuple[dict[str, Any], CustomerHistory]] = []
    for number, row in read_jsonl(args.input):
        try:
            rows.append((row, parse_history(row)))
        except HistoryError as exc:
            raise CommandError(f"{args.input}:{number}: {exc}") from None
    setup = ScanSetup(analyzer, policy, now, build_chat_model(settings_from_args(args)))
    bar = tqdm(
        total=len(rows), unit="customer", desc="outreach", disable=args.no_progress, file=sys.stderr
    )
    flagged = 0
    with bar, atomic_jsonl_writer(args.output) as handle:
        for row, history in rows:
            outcome = scan_customer(history, setup)
            flagged += bool(outcome["flagged"])
            write_line(handle, {**row, "outreach": outcome})
            bar.update(1)
    print(f"{flagged} of {len(rows)} customers flagged; written to {args.output}")
    return 0
