"""`tideline eval`: conversation evals, reports and gates; `eval calibrate` tunes thresholds."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm

from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.llm import build_chat_model
from agent.policy.config import PolicyError
from agent.policy.escalation import EscalationPolicy, load_policy
from evals import calibrate as cal
from evals.gates import (
    BASELINE_PATH,
    GATES_PATH,
    GateFileError,
    baseline_record,
    check_gates,
    compare_with_baseline,
    load_baseline,
    load_gates,
)
from evals.records import ConversationRun
from evals.report import EvalReport, Thresholds, terminal_table, write_reports
from evals.runner import ScenarioRunner
from evals.scenarios import Scenario, ScenarioError, load_scenarios
from evals.simulated import SimulatedCustomer
from evals.summary import summarize_runs
from knowledge import ensure_sample_loaded
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError, read_jsonl
from server.runtime import build_reading, build_responder, open_settings_knowledge_base
from server.settings import ServerSettings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="run the conversation evals (or `eval calibrate` to tune the policy thresholds)",
        description="tideline eval [PATH...] [--report DIR]: play scenario files (default: the "
        "shipped suite) through the real turn graph, print the metrics, write reports and exit 1 "
        "when a gate is crossed. tideline eval calibrate [PATH...] [--labelled FILE] --output "
        "POLICY.yaml [--plot FILE.svg]: sweep the policy thresholds and propose a policy.",
    )
    add_common_options(parser)
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="scenario files or folders ('calibrate' first to calibrate)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="folder for summary.json, conversations.jsonl, junit.xml and report.html",
    )
    parser.add_argument("--policy", type=Path, help="policy YAML (default: the configured policy)")
    parser.add_argument("--workers", type=int, default=2, help="conversations run at once (2)")
    parser.add_argument(
        "--trials",
        type=int,
        default=None,
        help="runs per scenario for pass^k (default 1 offline, 3 with a chat model)",
    )
    parser.add_argument("--gates", type=Path, default=GATES_PATH, help="gates file")
    parser.add_argument("--no-gates", action="store_true", help="report only; never fail on gates")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="baseline to compare with (default: the saved one, when present)",
    )
    parser.add_argument(
        "--save-baseline", type=Path, metavar="FILE", help="write this run as a baseline file"
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="with a chat model configured: a simulated customer plays each persona",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    calibrate = parser.add_argument_group("calibrate")
    calibrate.add_argument(
        "--labelled",
        type=Path,
        help="JSONL of past conversations {conversation_id, turns, should_escalate, weight?}",
    )
    calibrate.add_argument(
        "--from-desk",
        action="store_true",
        help="also use the handoffs agents labelled warranted / not warranted in the console "
        "(read from the records database of --data-dir or DATABASE_URL)",
    )
    calibrate.add_argument("--output", type=Path, help="where the proposed policy YAML goes")
    calibrate.add_argument("--plot", type=Path, help="where the trade-off plot (SVG) goes")
    parser.set_defaults(handler=run_eval)


def _policy(args: argparse.Namespace, settings: ServerSettings) -> EscalationPolicy:
    try:
        return load_policy(args.policy if args.policy is not None else settings.policy_path)
    except PolicyError as exc:
        raise CommandError(str(exc)) from None


def _scenarios(paths: list[Path]) -> list[Scenario]:
    try:
        return load_scenarios(paths or None)
    except ScenarioError as exc:
        raise CommandError(str(exc)) from None


@contextmanager
def _runner(
    args: argparse.Namespace, settings: ServerSettings, policy: EscalationPolicy
) -> Iterator[ScenarioRunner]:
    # The same opening as the server's, so the eval honours TIDELINE_EMBEDDING_MODEL.
    with open_settings_knowledge_base(settings) as kb:
        ensure_sample_loaded(kb, progress=not args.no_progress)
        chat_model = build_chat_model(settings)
        analyzer, retriever = build_reading(settings, kb, chat_model)
        deps = TurnDependencies(
            analyzer=analyzer,
            retriever=retriever,
            policy=policy,
            responder=build_responder(chat_model),
            queue=InMemoryHandoffQueue(),
        )
        if args.simulate and chat_model is None:
            raise CommandError(
                "--simulate needs a chat model (set OPENAI_API_KEY or OPENAI_BASE_URL)"
            )
        trials = args.trials or (3 if chat_model is not None else 1)
        yield ScenarioRunner(
            deps,
            workers=args.workers,
            trials=trials,
            simulator=SimulatedCustomer(chat_model) if args.simulate else None,
        )


def _play(
    args: argparse.Namespace, runner: ScenarioRunner, scenarios: list[Scenario]
) -> list[ConversationRun]:
    bar = tqdm(
        total=len(scenarios) * runner.trials,
        unit="conv",
        desc="eval",
        file=sys.stderr,
        disable=args.no_progress,
    )
    with bar:
        return runner.run(scenarios, on_done=lambda _: bar.update(1))


def run_eval(args: argparse.Namespace) -> int:
    if args.paths and str(args.paths[0]) == "calibrate":
        return run_calibrate(args, args.paths[1:])
    if args.labelled or args.output or args.plot or args.from_desk:
        raise CommandError(
            "--labelled, --from-desk, --output and --plot belong to `tideline eval calibrate`"
        )
    if args.workers < 1 or (args.trials is not None and args.trials < 1):
        raise CommandError("--workers and --trials must be at least 1")
    settings = settings_from_args(args)
    policy = _policy(args, settings)
    scenarios = _scenarios(args.paths)
    try:
        gates = {} if args.no_gates else load_gates(args.gates)
        baseline_path = args.baseline or (BASELINE_PATH if BASELINE_PATH.is_file() else None)
        baseline = load_baseline(baseline_path) if baseline_path else None
    except GateFileError as exc:
        raise CommandError(str(exc)) from None
    with _runner(args, settings, policy) as runner:
        runs = _play(args, runner, scenarios)
    summary = summarize_runs(scenarios, runs)
    passed = {r.scenario_id: r.passed for r in runs if r.trial == 1}
    rules = policy.config
    report = EvalReport(
        scenarios,
        runs,
        summary,
        gates=check_gates(summary, gates),
        worse_than_baseline=compare_with_baseline(summary, passed, baseline) if baseline else [],
        thresholds=Thresholds(
            rules.rule("frustration").threshold,
            rules.rule("critical_frustration").threshold,
            rules.rule("sustained_negative").score_at_most,
        ),
    )
    print(terminal_table(report))
    if args.report:
        for path in write_reports(report, args.report):
            print(f"wrote {path}", file=sys.stderr)
    if args.save_baseline:
        args.save_baseline.parent.mkdir(parents=True, exist_ok=True)
        args.save_baseline.write_text(
            json.dumps(baseline_record(summary, passed), indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    return 1 if any(not g.passed for g in report.gates) else 0


def _desk_labels(settings: ServerSettings) -> list[dict[str, Any]]:
    from sqlmodel import Session

    from server.records.db import init_db, make_engine
    from server.records.labels import labelled_conversations

    engine = make_engine(settings.records_url)
    try:
        init_db(engine)
        with Session(engine) as session:
            return labelled_conversations(session=session)
    finally:
        engine.dispose()


def run_calibrate(args: argparse.Namespace, paths: list[Path]) -> int:
    if args.output is None:
        raise CommandError("eval calibrate needs --output POLICY.yaml")
    settings = settings_from_args(args)
    policy = _policy(args, settings)
    scenarios = _scenarios(paths)
    with _runner(args, settings, policy) as runner:
        runner.trials = 1
        conversations = cal.from_runs(scenarios, _play(args, runner, scenarios))
        if args.labelled:
            try:
                conversations += cal.read_labelled(
                    read_jsonl(args.labelled), runner.deps.analyzer, source=str(args.labelled)
                )
            except cal.LabelledDataError as exc:
                raise CommandError(str(exc)) from None
        if args.from_desk:
            desk = _desk_labels(settings)
            print(f"{len(desk)} handoffs labelled by agents", file=sys.stderr)
            conversations += cal.read_labelled(
                enumerate(desk, start=1), runner.deps.analyzer, source="desk labels"
            )
    base = policy.config
    now = cal.current_settings(base)
    current = cal.judge(policy, now, conversations)
    candidates = cal.sweep(base, conversations)
    chosen = cal.choose(candidates, now)

    def line(name: str, c: cal.Candidate) -> str:
        return (
            f"{name:9} recall {c.recall or 0:.3f}  precision {c.precision or 0:.3f}  must "
            f"{c.must_recall or 0:.3f}  rate {c.rate or 0:.1%}  "
            + ", ".join(f"{k}={v}" for k, v in c.settings.items())
        )

    print(f"{len(candidates)} policies swept over {len(conversations)} conversations")
    print(line("current", current))
    print(line("proposed", chosen))
    evidence = (
        f"recall {chosen.recall or 0:.3f}, precision {chosen.precision or 0:.3f}, weighted "
        f"escalation rate {chosen.rate or 0:.1%} over {len(conversations)} conversations"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(cal.policy_yaml(chosen, base, evidence), encoding="utf-8")
    print(f"proposed policy -> {args.output}")
    if args.plot:
        args.plot.parent.mkdir(parents=True, exist_ok=True)
        args.plot.write_text(cal.tradeoff_svg(candidates, chosen, current), encoding="utf-8")
        print(f"trade-off plot -> {args.plot}")
    return 0
