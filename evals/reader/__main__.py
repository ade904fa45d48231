"""Maintainer commands of the sentiment reader: ``python -m evals.reader build|measure|adapt``.

    python -m evals.reader build --shared-data ../shared/data     # the shipped weights
    python -m evals.reader measure --shared-data ../shared/data --previous OLD.npz
    python -m evals.reader adapt --shared-data ../shared/data      # the team-adaptation demo

Vectors come from the MiniLM a live turn uses, cached under ``.cache/sentiment/`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agent.sentiment.model import SentimentModel
from agent.sentiment.offline import DEFAULT_MODEL_PATH, OfflineAnalyzer
from agent.sentiment.training.data import OWN_DATA_PATH, read_labelled
from agent.sentiment.training.shipped import BuildSettings, build_shipped_model
from agent.sentiment.training.team import train_from_file
from evals.reader.measure import (
    Labeller,
    airline_subset,
    analyzer_labeller,
    as_json,
    calm_traffic,
    datasets,
    frustration_table,
    measure,
    table,
    vader_labeller,
)
from evals.reader.vectors import DEFAULT_CACHE_DIR, VectorCache, live_encoder

ENCODER = "all-MiniLM-L6-v2"
TEAM_HELDOUT = 0.52


class CachedEncoder:
    """The live encoder behind the on-disk cache (a ``MessageEncoder``)."""

    name = ENCODER

    def __init__(self, cache_dir: Path = DEFAULT_CACHE_DIR) -> None:
        self.cache = VectorCache(cache_dir / f"{ENCODER}.npz")
        self._live = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._live is None:
            self._live = live_encoder()  # type: ignore[assignment]
        return self.cache.vectors(list(texts), self._live, progress=len(texts) > 500)  # type: ignore[arg-type]


def _build(args: argparse.Namespace) -> None:
    encoder = CachedEncoder()
    settings = BuildSettings(goemotions_share=args.goemotions_share)
    model = build_shipped_model(
        args.shared_data / "goemotions.jsonl",
        encoder.encode,
        args.output,
        encoder=ENCODER,
        settings=settings,
    )
    print(json.dumps(model.metadata, indent=2))  # noqa: T201


def _measure(args: argparse.Namespace) -> None:
    readers: dict[str, Labeller] = {
        "reader": analyzer_labeller(OfflineAnalyzer.load(args.model, encoder=CachedEncoder())),
        "reader, no vector": analyzer_labeller(OfflineAnalyzer.load(args.model)),
    }
    if args.previous:
        readers["previous model"] = analyzer_labeller(
            OfflineAnalyzer(SentimentModel.load(args.previous))
        )
    vader = vader_labeller()
    if vader:
        readers["VADER"] = vader
    figures = measure(datasets(args.shared_data), readers)
    print(table(figures))  # noqa: T201
    reader = OfflineAnalyzer.load(args.model, encoder=CachedEncoder())
    print("\nFrustration on the own test splits:\n" + frustration_table(reader))  # noqa: T201
    for name in ("calm_traffic.jsonl", "calm_multidomain.jsonl"):
        print(calm_traffic(reader, OWN_DATA_PATH.with_name(name)))  # noqa: T201
    if args.json:
        args.json.write_text(as_json(figures))


def airline_team_split(shared_data: Path, folder: Path) -> tuple[Path, int, int]:
    """A team's file from the airline tweets: ~1,800 rows to train on and ~2,000 held out.

    A third of the file is picked by a salted hash of the text (``crc32("team:" + text) % 100 <
    33``); the command then holds out 52 % of those by its own, unsalted hash split, disjoint from
    the rows it trains on by construction.
    """
    rows = read_labelled(shared_data / "airline_tweets_dev.jsonl")
    picked = [e for e in rows if airline_subset(e.text)]
    path = folder / "airline_team.jsonl"
    path.write_text(
        "".join(json.dumps({"text": e.text, "label": e.label}) + "\n" for e in picked),
        encoding="utf-8",
    )
    return path, len(picked), len(rows)


def _adapt(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, picked, total = airline_team_split(args.shared_data, Path(tmp))
        for name, encoder in (("reader", CachedEncoder()), ("reader, no vector", None)):
            report = train_from_file(
                path,
                Path(tmp) / "adapted.npz",
                base_model=SentimentModel.load(args.model or DEFAULT_MODEL_PATH),
                encoder=encoder,
                heldout_fraction=TEAM_HELDOUT,
            )
            print(f"{name}: airline rows {picked} of {total}; " + "; ".join(report.lines()))  # noqa: T201


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.reader", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "measure", "adapt"):
        p = sub.add_parser(name)
        p.add_argument("--shared-data", type=Path, required=True, help="folder of the public data")
        p.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    sub.choices["build"].add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    sub.choices["build"].add_argument(
        "--goemotions-share", type=float, default=BuildSettings.goemotions_share
    )
    sub.choices["measure"].add_argument("--previous", type=Path, default=None)
    sub.choices["measure"].add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    {"build": _build, "measure": _measure, "adapt": _adapt}[args.command](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
