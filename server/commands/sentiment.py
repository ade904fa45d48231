"""`tideline sentiment`: read one message, a JSONL batch, or (`sentiment train`) fit the model."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from agent.sentiment.model import ModelFileError, SentimentModel
from agent.sentiment.offline import DEFAULT_MODEL_PATH, OfflineAnalyzer
from agent.sentiment.reading import SentimentReading
from agent.sentiment.training.data import LabelledDataError
from agent.sentiment.training.team import train_from_file
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError, atomic_jsonl_writer, read_jsonl, write_line

BATCH_SIZE = 512
READING_FIELDS = ("score", "label", "frustration", "urgency", "confidence", "signals")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sentiment",
        help="read the sentiment of customer messages, or train the offline model",
        description="tideline sentiment TEXT | --input IN.jsonl --output OUT.jsonl | "
        "train --input LABELLED.jsonl --output MODEL.npz [--include-default-data]",
    )
    parser.add_argument("text", nargs="*", help="the message to read, or 'train'")
    parser.add_argument(
        "--input", type=Path, help="JSONL: {text, ...} lines (train: {text, label})"
    )
    parser.add_argument(
        "--output", type=Path, help="JSONL with a sentiment per line (train: model)"
    )
    parser.add_argument("--json", action="store_true", help="print the reading as JSON")
    parser.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    parser.add_argument(
        "--include-default-data",
        action="store_true",
        help="train: add Tideline's own labelled support messages to yours",
    )
    parser.add_argument(
        "--no-vectors",
        action="store_true",
        help="read without MiniLM sentence vectors (faster, less accurate)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.text == ["train"]:
        return _train(args)
    if args.input or args.output:
        if args.text:
            raise CommandError("give either TEXT or --input/--output, not both")
        if not (args.input and args.output):
            raise CommandError("a batch needs both --input and --output")
        return _batch(args)
    if not args.text:
        raise CommandError("nothing to read: give TEXT, or --input and --output")
    reading = _analyzer(args).analyze(" ".join(args.text))
    print(json.dumps(reading.to_dict(), ensure_ascii=False) if args.json else _describe(reading))
    return 0


def _analyzer(args: argparse.Namespace, *, threads: int = 1) -> OfflineAnalyzer:
    try:
        model = SentimentModel.load(args.model or DEFAULT_MODEL_PATH)
    except ModelFileError as exc:
        raise CommandError(str(exc)) from None
    if args.no_vectors or model.encoder is None:
        return OfflineAnalyzer(model)
    # Imported here: composing the encoder is the server's job (agent never imports it).
    from server.reader_vectors import reader_encoder

    encoder = reader_encoder(settings_from_args(args), threads=threads)
    if encoder.name != model.encoder:
        raise CommandError(f"{args.model}: reads {model.encoder} vectors, not {encoder.name}")
    return OfflineAnalyzer(model, encoder)


def _describe(reading: SentimentReading) -> str:
    return "\n".join(
        [
            f"label        {reading.label}",
            f"score        {reading.score:+.2f}",
            f"frustration  {reading.frustration:.2f}",
            f"urgency      {reading.urgency:.2f}",
            f"confidence   {reading.confidence:.2f}",
            f"signals      {', '.join(reading.signals) or '-'}",
        ]
    )


def sentiment_fields(reading: SentimentReading) -> dict[str, Any]:
    data = reading.to_dict()
    return {key: data[key] for key in READING_FIELDS}


def _batch(args: argparse.Namespace) -> int:
    # A batch has the command to itself: two encoder threads read it faster.
    analyzer = _analyzer(args, threads=2)
    # Read and check every line before writing anything, so a bad line leaves no output behind.
    rows: list[dict[str, Any]] = []
    for number, row in read_jsonl(args.input, required=("text",)):
        if not isinstance(row["text"], str):
            raise CommandError(f"{args.input}:{number}: 'text' must be a string")
        rows.append(row)
    bar = tqdm(
        total=len(rows),
        unit="msg",
        desc="sentiment",
        disable=args.no_progress,
        file=sys.stderr,
    )
    with bar, atomic_jsonl_writer(args.output) as handle:
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            for row, reading in zip(
                chunk, analyzer.analyze_batch([r["text"] for r in chunk]), strict=True
            ):
                write_line(handle, {**row, "sentiment": sentiment_fields(reading)})
            bar.update(len(chunk))
    return 0


def _train(args: argparse.Namespace) -> int:
    if not (args.input and args.output):
        raise CommandError("sentiment train needs --input LABELLED.jsonl and --output MODEL_PATH")
    analyzer = _analyzer(args, threads=2)  # --model: adapt that model instead of the shipped one
    try:
        report = train_from_file(
            args.input,
            args.output,
            include_default_data=args.include_default_data,
            base_model=analyzer.model,
            encoder=analyzer.encoder,
        )
    except LabelledDataError as exc:
        raise CommandError(str(exc)) from None
    for line in report.lines():
        print(line)
    print(f"model written to {args.output}")
    return 0
