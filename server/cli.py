"""The `tideline` console script (DESIGN §8): builds the parser from the command modules."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from agent.policy.config import PolicyError
from agent.sentiment.model import ModelFileError as SentimentModelError
from knowledge.base import InvalidCollectionName
from knowledge.minilm import ModelFileError as EmbeddingModelError
from server.commands.jsonl import CommandError

# Failures a user can fix (a bad policy file, an altered model file): one line, no traceback.
USER_ERRORS = (
    CommandError,
    PolicyError,
    SentimentModelError,
    EmbeddingModelError,
    InvalidCollectionName,
)

# Each module registers its sub-commands; the order is the order of `tideline --help`.
COMMAND_MODULES = (
    "server.commands.chat",
    "server.commands.kb",
    "server.commands.sentiment",
    "server.commands.replay",
    "server.commands.eval",
    "server.commands.agents",
    "server.commands.serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tideline",
        description="Customer-support chatbot backend that knows when to hand over to a person.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except USER_ERRORS as exc:
        print(f"tideline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tideline: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
