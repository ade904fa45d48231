"""`tideline quality train`: fit the predicted-satisfaction model to the ratings customers gave."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import Session
from tqdm import tqdm

from agent.policy.escalation import load_policy
from agent.quality.fit import Rated, TooFewRatings, train_and_measure
from agent.quality.model import SatisfactionModel
from agent.quality.rated import read_rated
from agent.replay import InvalidTranscript
from agent.risk.model import RiskModel
from agent.sentiment.offline import OfflineAnalyzer
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError, count_lines, read_jsonl
from server.reader_vectors import reader_encoder
from server.settings import ServerSettings

MODEL_FILE = "satisfaction_model.json"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "quality", help="conversation quality: fit the predicted-satisfaction model"
    )
    commands = parser.add_subparsers(dest="quality_command", required=True)
    train = commands.add_parser(
        "train",
        help="fit predicted satisfaction to the ratings customers gave",
        description="Fit the predicted-satisfaction model to rated conversations: the ratings in "
        "the records (default) or a JSONL of {conversation_id, turns: [{speaker, text}], rating: "
        "1-5, resolved?, escalated?} (--input). One in four is held out and measured (MAE and "
        "within-one accuracy against always predicting the mean); the model is then fitted on "
        "all of them and written. Point TIDELINE_SATISFACTION_MODEL_PATH at it to use it.",
    )
    add_common_options(train)
    train.add_argument("--input", type=Path, default=None, help="rated conversations (JSONL)")
    train.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the model (default: DATA_DIR/{MODEL_FILE})",
    )
    train.set_defaults(handler=run_train)


def run_train(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    risk_model = load_policy(settings.policy_path).risk_model
    if args.input is not None:
        rated, source = _from_file(args.input, settings, risk_model), str(args.input)
    else:
        rated, source = _from_records(settings, risk_model), "the records"
    output = args.output or settings.resolved_data_dir / MODEL_FILE
    info = {"trained_on": source, "trained": date.today().isoformat()}
    try:
        model, scores = train_and_measure(rated, info=info)
    except TooFewRatings as exc:
        raise CommandError(f"{source}: {exc}") from None
    _write(output, model)
    print(
        f"fitted on {scores.rated} rated conversations from {source}; on {scores.held_out} "
        f"held out: MAE {scores.mae:.2f} stars (predicting the mean: {scores.baseline_mae:.2f}), "
        f"within one star {scores.within_one:.0%} (mean: {scores.baseline_within_one:.0%}) "
        f"-> {output}"
    )
    return 0


def _from_file(path: Path, settings: ServerSettings, risk_model: RiskModel) -> list[Rated]:
    analyzer = OfflineAnalyzer.load(encoder=reader_encoder(settings))
    rated: list[Rated] = []
    with tqdm(
        total=count_lines(path), unit="conv", desc="read", disable=None, file=sys.stderr
    ) as bar:
        for number, conv in read_jsonl(path):
            try:
                rated.append(read_rated(conv, analyzer, risk_model))
            except InvalidTranscript as exc:
                raise CommandError(f"{path}:{number}: {exc.detail}") from None
            bar.update(1)
    return rated


def _from_records(settings: ServerSettings, risk_model: RiskModel) -> list[Rated]:
    from server.quality.meter import arc_of
    from server.records.db import init_db, make_engine
    from server.records.quality import conversation_facts, rated_conversations

    engine = make_engine(settings.records_url)
    try:
        init_db(engine)
        with Session(engine) as session:
            return [
                Rated(
                    cid,
                    arc_of(conversation_facts(session=session, conversation_id=cid), risk_model),
                    rating,
                )
                for cid, rating in rated_conversations(session=session)
            ]
    finally:
        engine.dispose()


def _write(path: Path, model: SatisfactionModel) -> None:
    """Write the model beside its place and move it in: never a half-written model file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(model.to_dict(), handle, indent=1)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
