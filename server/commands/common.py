"""ServerSettings from the command line: --data-dir and --collection override the environment."""

from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import ValidationError

from server.commands.jsonl import CommandError
from server.settings import ServerSettings


def settings_from_args(args: argparse.Namespace) -> ServerSettings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "collection", None):
        overrides["collection"] = args.collection
    try:
        return ServerSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        # One line per bad setting, naming it, instead of a traceback.
        reasons = "; ".join(
            f"TIDELINE_{'.'.join(str(part) for part in error['loc']).upper()}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise CommandError(f"bad setting: {reasons}") from None


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
