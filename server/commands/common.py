"""Settings from the command line: --data-dir and --collection override the environment."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.settings import Settings


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "collection", None):
        overrides["collection"] = args.collection
    return Settings(**overrides)  # type: ignore[arg-type]


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --collection, accepted by every command (docs/deployment.md)."""
    parser.add_argument(
        "--data-dir",
        default=None,
        help="where SQLite, the Chroma store and the model cache live "
        "(default: $TIDELINE_DATA_DIR, else ./.tideline)",
    )
    parser.add_argument(
        "--collection", default=None, help="knowledge-base collection (default: helpcentre)"
    )
