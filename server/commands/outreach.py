"""`tideline outreach scan|export|report`: flag customers for outreach, and read the review log."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session
from tqdm import tqdm

from agent.llm import build_chat_model
from agent.outreach.history import CustomerHistory, HistoryError, parse_history, parse_time
from agent.outreach.policy import OutreachPolicyError, read_outreach_policy
from agent.outreach.scan import ScanSetup, scan_customer
from agent.sentiment.model import ModelFileError
from agent.sentiment.offline import OfflineAnalyzer
from server.commands.common import add_common_options, settings_from_args
from server.commands.db import records_engine
from server.commands.jsonl import CommandError, atomic_jsonl_writer, read_jsonl, write_line
from server.proactive.review import outreach_report, review_rows
from server.proactive.scan import scan_records
from server.reader_vectors import reader_encoder
from server.records.db import init_db


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "outreach",
        help="proactive outreach: scan customers, export the review log, report (docs/proactive.md)",
        description="tideline outreach scan [--input HISTORY.jsonl --output OUT.jsonl] "
        "[--policy FILE] [--now ISO-8601] | export --output LOG.jsonl | report",
    )
    parser.add_argument(
        "action",
        choices=["scan", "export", "report"],
        help="scan: flag customers and draft check-ins (the records' customers onto the outreach "
        "desk, or --input's histories into --output); export: the review log as JSONL; report: "
        "customers who got outreach against similar ones who did not",
    )
    parser.add_argument("--input", type=Path, help="JSONL, one customer history per line")
    parser.add_argument(
        "--output", type=Path, help="JSONL: scan --input's lines with 'outreach', or the log"
    )
    parser.add_argument("--policy", type=Path, default=None, help="outreach policy YAML")
    parser.add_argument(
        "--now", default=None, help="fix the clock (ISO-8601) for reproducible runs"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "export":
        return export_log(args)
    if args.action == "report":
        return print_report(args)
    if args.input is None:
        return scan_stored_customers(args)
    if args.output is None:
        raise CommandError("outreach scan --input needs --output OUT.jsonl")
    setup = _setup(args)
    # Read and check every line before writing anything, so a bad line leaves no output behind.
    rows: list[tuple[dict[str, Any], CustomerHistory]] = []
    for number, row in read_jsonl(args.input):
        try:
            rows.append((row, parse_history(row)))
        except HistoryError as exc:
            raise CommandError(f"{args.input}:{number}: {exc}") from None
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


def _setup(args: argparse.Namespace) -> ScanSetup:
    settings = settings_from_args(args)
    try:
        now = parse_time(args.now, "--now") if args.now else datetime.now(UTC)
        policy = read_outreach_policy(args.policy or settings.outreach_policy_path)
        analyzer = OfflineAnalyzer.load(encoder=reader_encoder(settings))
    except (HistoryError, OutreachPolicyError, ModelFileError) as exc:
        raise CommandError(str(exc)) from None
    return ScanSetup(analyzer, policy, now, build_chat_model(settings))


def scan_stored_customers(args: argparse.Namespace) -> int:
    """Scan the records' customers and file the flagged ones on the outreach desk."""
    if args.output is not None:
        raise CommandError("outreach scan: --output goes with --input (the records scan files "
                           "its drafts on the outreach desk)")  # fmt: skip
    setup = _setup(args)
    with records_engine(settings_from_args(args)) as engine:
        init_db(engine)
        bar = tqdm(unit="customer", desc="outreach", disable=args.no_progress, file=sys.stderr)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(1)

        with bar:
            result = scan_records(engine, setup, progress=progress)
    print(
        f"{result.flagged} of {result.scanned} customers flagged; "
        f"{result.filed} new on the outreach desk"
    )
    return 0


def export_log(args: argparse.Namespace) -> int:
    """The whole review log, one flag per line (docs/proactive.md lists the fields)."""
    if args.output is None:
        raise CommandError("outreach export needs --output LOG.jsonl")
    count = 0
    with records_engine(settings_from_args(args)) as engine:
        init_db(engine)
        with Session(engine) as session, atomic_jsonl_writer(args.output) as handle:
            for row in review_rows(session):
                write_line(handle, row)
                count += 1
    print(f"{count} flags written to {args.output}")
    return 0


def print_report(args: argparse.Namespace) -> int:
    with records_engine(settings_from_args(args)) as engine:
        init_db(engine)
        with Session(engine) as session:
            report = outreach_report(session)
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0
