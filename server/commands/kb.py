"""`tideline kb`: ingest documents into the knowledge base, search it, and show what it holds."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from knowledge import (
    EmbedderMismatch,
    KnowledgeBase,
    ModelFileError,
)
from knowledge.store import StoreCheck, check_store, drop_damaged, remove_leftovers
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import (
    CommandError,
    atomic_jsonl_writer,
    count_lines,
    read_jsonl,
    write_line,
)
from server.runtime import open_settings_knowledge_base
from server.settings import ServerSettings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = subparsers.add_parser("kb", help="load and search the knowledge base")
    commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)

    ingest = commands.add_parser(
        "ingest",
        help="ingest a folder of Markdown/HTML/text or a JSONL of {doc_id, title, text, url?}",
        description="Incremental: unchanged documents are skipped, changed ones replaced.",
    )
    add_common_options(ingest)
    ingest.add_argument("path", type=Path, help="folder or .jsonl file")
    ingest.add_argument("--prune", action="store_true", help="delete documents no longer in PATH")
    ingest.set_defaults(handler=run_ingest)

    search = commands.add_parser("search", help="search the knowledge base")
    add_common_options(search)
    search.add_argument("query", nargs="?", help="the question to search for")
    search.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    search.add_argument("--input", type=Path, help="JSONL of {query, ...} to search in batch")
    search.add_argument("--output", type=Path, help="where the batch results go (JSONL)")
    search.set_defaults(handler=run_search)

    stats = commands.add_parser("stats", help="documents and chunks in the collection")
    add_common_options(stats)
    stats.set_defaults(handler=run_stats)

    verify = commands.add_parser(
        "verify",
        help="check that the collection agrees with its manifest (--repair fixes it)",
        description=(
            "Reports chunks an interrupted ingest left behind, documents whose chunks are missing "
            "or altered, and vectors made by another embedder. Exit status: 0 the collection "
            "agrees with its manifest (with --repair: it does now, and nothing was lost); 1 it "
            "does not (without --repair), or --repair had to drop damaged documents, whose "
            "sources must be ingested again; 2 the check could not run."
        ),
    )
    add_common_options(verify)
    verify.add_argument("--repair", action="store_true", help="fix what the check finds")
    verify.set_defaults(handler=run_verify)


def _open(settings: ServerSettings, *, upgrade: bool = True) -> KnowledgeBase:
    try:
        kb = open_settings_knowledge_base(settings, upgrade=upgrade)
    except (ModelFileError, EmbedderMismatch, ValueError) as exc:
        raise CommandError(str(exc)) from None
    documents, chunks = kb.reembedded
    if documents:
        print(
            f"{kb.name}: re-embedded {documents} documents ({chunks} chunks) whose vectors "
            f"another embedder made; the collection now holds {kb.fingerprint} vectors only",
            file=sys.stderr,
        )
    return kb


def run_ingest(args: argparse.Namespace) -> int:
    if not args.path.exists():
        raise CommandError(f"{args.path}: no such file or folder")
    with _open(settings_from_args(args)) as kb:
        try:
            report = kb.ingest(args.path, prune=args.prune, progress=True)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        for problem in report.problems:
            print(f"skipped {problem}", file=sys.stderr)
        if report.leftovers_removed:
            print(
                f"removed {report.leftovers_removed} chunks an interrupted ingest left behind",
                file=sys.stderr,
            )
        print(f"{kb.name}: {report.summary()}; {kb.count()} chunks in the collection")
    # Documents that failed are reported but do not stop the rest; the status says some did.
    return 1 if report.failed else 0


def run_search(args: argparse.Namespace) -> int:
    if args.k < 1:
        raise CommandError("-k must be at least 1")
    if args.input is None:
        if not args.query or not args.query.strip():
            raise CommandError("give a QUERY, or --input Q.jsonl --output R.jsonl")
        if args.output is not None:
            raise CommandError("--output needs --input")
        with _open(settings_from_args(args)) as kb:
            _print_result(kb, args.query, args.k)
        return 0
    if args.query:
        raise CommandError("give either a QUERY or --input, not both")
    if args.output is None:
        raise CommandError("--input needs --output")
    # Read and check every line before any search, so a bad line costs nothing and writes nothing.
    rows = list(read_jsonl(args.input, required=("query",)))
    for number, row in rows:
        if not isinstance(row["query"], str) or not row["query"].strip():
            raise CommandError(f"{args.input}:{number}: 'query' must be a non-empty string")
    with _open(settings_from_args(args)) as kb, atomic_jsonl_writer(args.output) as out:
        for _, row in tqdm(rows, total=count_lines(args.input), unit="query", file=sys.stderr):
            result = kb.search(row["query"], args.k)
            row["results"] = [
                {"doc_id": p.doc_id, "chunk_id": p.chunk_id, "title": p.title, "score": p.score}
                for p in result.passages
            ]
            row["confidence"] = result.confidence
            write_line(out, row)
    print(f"{len(rows)} queries searched -> {args.output}", file=sys.stderr)
    return 0


def _print_result(kb: KnowledgeBase, query: str, k: int) -> None:
    result = kb.search(query, k)
    verdict = "answerable" if result.answerable else "probably not answered by the knowledge base"
    print(
        f"confidence {result.confidence:.2f} "
        f"({verdict}; threshold {result.answerable_threshold:.2f})"
    )
    if not result.passages:
        print("no results (is the collection empty? try `tideline kb ingest PATH`)")
    for rank, p in enumerate(result.passages, 1):
        where = f" · {p.section}" if p.section else ""
        print(f"{rank}. {p.title}{where}  [{p.chunk_id}] score {p.score:.4f}")
        snippet = " ".join(p.text.split())
        print(f"   {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
        if p.url:
            print(f"   {p.url}")


def run_stats(args: argparse.Namespace) -> int:
    with _open(settings_from_args(args)) as kb:
        print(json.dumps(kb.stats(), indent=2))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with _open(settings_from_args(args), upgrade=False) as kb:
        check = check_store(kb.state(), kb.fingerprint)
        print(f"{kb.name}: {check.documents} documents, {check.chunks} chunks")
        for line in _problems(check):
            print(f"  {line}")
        if check.ok:
            print("the collection agrees with its manifest")
            return 0
        if not args.repair:
            print("run `tideline kb verify --repair` to fix it", file=sys.stderr)
            return 1
        state = kb.state()
        dropped = drop_damaged(state, collection=kb.store, manifest=kb.manifest)
        removed = remove_leftovers(
            state, collection=kb.store, manifest=kb.manifest, skip=set(dropped)
        )
        documents, _ = kb.reembed_stale(progress=True)
        kb.retriever.invalidate()
        after = check_store(kb.state(), kb.fingerprint)
        print(
            f"repaired: {removed} leftover chunks removed, {documents} documents re-embedded, "
            f"{len(dropped)} damaged documents removed"
        )
        if dropped:
            print(
                "ingest the sources of these documents again: " + ", ".join(dropped),
                file=sys.stderr,
            )
        if not after.ok:
            for line in _problems(after):
                print(f"still: {line}", file=sys.stderr)
        return 0 if after.ok and not dropped else 1


def _problems(check: StoreCheck) -> list[str]:
    lines = []
    if check.leftovers:
        lines.append(f"{check.leftovers} chunks no document names (left by an interrupted ingest)")
    if check.damaged:
        lines.append(
            f"{len(check.damaged)} documents with chunks missing or altered: "
            + ", ".join(check.damaged[:10])
            + (" ..." if len(check.damaged) > 10 else "")
        )
    if check.stale:
        lines.append(f"{len(check.stale)} documents with vectors from another embedder")
    if check.legacy:
        lines.append(f"{len(check.legacy)} documents stored before collections had a manifest")
    return lines
