"""The `tideline` console script (docs/deployment.md): builds the parser from the command modules."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from agent.policy.config import PolicyError
from agent.sentiment.model import ModelFileError as SentimentModelError
from server.commands.jsonl import CommandError

# Each command's module registers its sub-commands; the order is the order of `tideline --help`.
COMMANDS = {
    "chat": "server.commands.chat",
    "ask": "server.commands.ask",
    "kb": "server.commands.kb",
    "sentiment": "server.commands.sentiment",
    "outreach": "server.commands.outreach",
    "replay": "server.commands.replay",
    "quality": "server.commands.quality",
    "eval": "server.commands.eval",
    "agents": "server.commands.agents",
    "db": "server.commands.db",
    "serve": "server.commands.serve",
}
COMMAND_MODULES = tuple(COMMANDS.values())

# Failures a user can fix (a bad policy file, an altered model file, a bad collection name): one
# line, no traceback. Errors of modules that were never imported cannot have been raised.
_LAZY_USER_ERRORS = (
    ("knowledge.base", "InvalidCollectionName"),
    ("knowledge.minilm", "ModelFileError"),
    ("agent.quality.model", "SatisfactionModelError"),
)


def user_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [CommandError, PolicyError, SentimentModelError]
    for module_name, class_name in _LAZY_USER_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None:
            errors.append(getattr(module, class_name))
    return tuple(errors)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; given the command being run, only that command's module is imported.

    Importing every command pulls in Chroma, LangGraph and uvicorn (~4 s); `tideline sentiment`
    needs none of them.
    """
    parser = argparse.ArgumentParser(
        prog="tideline",
        description="Customer-support chatbot backend that knows when to hand over to a person.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = [COMMANDS[command]] if command in COMMANDS else list(COMMAND_MODULES)
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in arguments if not a.startswith("-")), None)
    parser = build_parser(command)
    args = parser.parse_args(arguments)
    try:
        return int(args.handler(args) or 0)
    except Exception as exc:
        if not isinstance(exc, user_errors()):
            raise
        print(f"tideline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tideline: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
