"""`tideline replay`: past transcripts through sentiment and the escalation policy, and what-ifs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from agent.policy.config import PolicyError
from agent.policy.escalation import EscalationPolicy, load_policy
from agent.replay import InvalidTranscript, PolicyComparison, replay_file
from agent.sentiment.offline import OfflineAnalyzer
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import (
    CommandError,
    atomic_jsonl_writer,
    count_lines,
    read_jsonl,
    write_line,
)
from server.reader_vectors import reader_encoder

LISTED = 10  # conversation ids shown per group in the what-if summary


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="replay past transcripts through sentiment and the escalation policy",
        description="Replay past conversations (JSONL of {conversation_id, turns: [{speaker, "
        "text}]}) through the offline sentiment analyzer and the escalation policy, without "
        "writing replies. Each customer turn gets its sentiment and decision; each conversation "
        "gets escalated, escalation_turn and max_risk.",
    )
    add_common_options(parser)
    parser.add_argument("--input", required=True, type=Path, help="conversations, one per line")
    parser.add_argument("--output", required=True, type=Path, help="where to write the results")
    parser.add_argument(
        "--policy", type=Path, default=None, help="policy YAML (default: the configured policy)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        metavar="OTHER_POLICY",
        help="also judge every conversation under this policy and print what would change",
    )
    parser.set_defaults(handler=run_replay)


def _load(path: Path | None) -> EscalationPolicy:
    try:
        return load_policy(path)
    except PolicyError as exc:
        raise CommandError(str(exc)) from None


def run_replay(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    policy = _load(args.policy if args.policy is not None else settings.policy_path)
    other = _load(args.compare) if args.compare is not None else None
    if not args.input.is_file():
        raise CommandError(f"{args.input}: no such file")
    total = count_lines(args.input)
    analyzer = OfflineAnalyzer.load(encoder=reader_encoder(settings))
    comparison = PolicyComparison()
    escalated = 0
    with (
        atomic_jsonl_writer(args.output) as out,
        tqdm(total=total, unit="conv", desc="replay", disable=None, file=sys.stderr) as bar,
    ):
        lines = read_jsonl(args.input)
        try:
            for replayed in replay_file(lines, analyzer=analyzer, policy=policy, compare=other):
                write_line(out, replayed.result)
                escalated += bool(replayed.result["escalated"])
                if replayed.other is not None:
                    comparison.add(replayed.result, replayed.other)
                bar.update(1)
        except InvalidTranscript as exc:
            raise CommandError(f"{args.input}:{exc.line}: {exc.detail}") from None
    rate = escalated / total if total else 0.0
    print(
        f"replayed {total} conversations under {policy.version}: {escalated} escalated "
        f"({rate:.1%}) -> {args.output}"
    )
    if other is not None:
        print(compare_report(comparison, policy, other))
    return 0


def compare_report(c: PolicyComparison, main: EscalationPolicy, other: EscalationPolicy) -> str:
    """The what-if summary: escalation under each policy and the conversations that change."""

    def share(n: int) -> str:
        return f"{n}/{c.total} ({n / c.total:.1%})" if c.total else "0/0"

    def listing(ids: list[str]) -> str:
        shown = ", ".join(ids[:LISTED])
        return shown + (f" … (+{len(ids) - LISTED} more)" if len(ids) > LISTED else "")

    lines = [
        f"what-if: {main.version} vs {other.version}",
        f"  escalated under {main.version}: {share(c.escalated_main)}",
        f"  escalated under {other.version}: {share(c.escalated_other)}",
        f"  only under {main.version}: {len(c.only_main)}  {listing(c.only_main)}".rstrip(),
        f"  only under {other.version}: {len(c.only_other)}  {listing(c.only_other)}".rstrip(),
        f"  earlier under {other.version}: {len(c.earlier_under_other)}  "
        f"{listing(c.earlier_under_other)}".rstrip(),
        f"  later under {other.version}: {len(c.later_under_other)}  "
        f"{listing(c.later_under_other)}".rstrip(),
    ]
    return "\n".join(lines)
