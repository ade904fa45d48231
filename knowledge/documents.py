"""Reading documents for ingestion: a folder of Markdown / HTML / text files, or a JSONL file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

from knowledge.jsonl import numbered_objects
from knowledge.types import Document

SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt"}
# Files that describe a folder rather than answer customers; never ingested as articles.
FOLDER_NOTES = {"readme", "license", "licence", "changelog", "contributing"}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_FIRST_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """A document that could not be ingested, and why; ``source`` is a path or ``file:line``."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class _HtmlToMarkdown(HTMLParser):
    """Keeps the text and turns h1-h3 into Markdown headings so chunking stays heading-aware."""

    _SKIP = {"script", "style", "nav", "footer", "head"}
    _BLOCK = {"p", "div", "li", "br", "tr", "section", "article", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("h1", "h2", "h3"):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self._BLOCK:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in ("h1", "h2", "h3", "p"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))

    def markdown(self) -> str:
        text = "".join(self.parts)
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_text(raw: str, *, suffix: str, default_id: str) -> tuple[dict[str, object], str]:
    """Front matter (if any) and the body as Markdown-ish text."""
    meta: dict[str, object] = {}
    match = _FRONT_MATTER.match(raw)
    if match:
        loaded = yaml.safe_load(match.group(1)) or {}
        if not isinstance(loaded, dict):
            raise ValueError("front matter is not a mapping")
        meta = loaded
        raw = raw[match.end() :]
    if suffix in (".html", ".htm"):
        parser = _HtmlToMarkdown()
        parser.feed(raw)
        raw = parser.markdown()
        if parser.title and "title" not in meta:
            meta["title"] = parser.title
    if "title" not in meta:
        heading = _FIRST_HEADING.search(raw)
        meta["title"] = heading.group(1) if heading else default_id
    return meta, raw.strip()


def _document(meta: dict[str, object], text: str, *, default_id: str, source: str) -> Document:
    doc_id = str(meta.get("doc_id") or default_id).strip()
    title = str(meta.get("title") or "").strip()
    if not doc_id:
        raise ValueError("empty doc_id")
    if not title:
        raise ValueError("empty title")
    # A document that is only headings would produce no chunk: as good as empty.
    if not re.sub(r"(?m)^#{1,6}\s.*$", "", text).strip():
        raise ValueError("empty text")
    url = meta.get("url")
    return Document(
        doc_id=doc_id, title=title, text=text, url=str(url) if url else None, source=source
    )


def read_folder(root: Path) -> Iterator[Document | Problem]:
    """Every supported file under ``root``; doc_id from front matter, else the relative path."""
    paths = (
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.stem.lower() not in FOLDER_NOTES
    )
    for path in sorted(paths):
        relative = path.relative_to(root).as_posix()
        default_id = relative.rsplit(".", 1)[0]
        try:
            raw = path.read_text(encoding="utf-8")
            meta, text = parse_text(raw, suffix=path.suffix.lower(), default_id=default_id)
            yield _document(meta, text, default_id=default_id, source=relative)
        except (OSError, UnicodeDecodeError) as exc:
            yield Problem(relative, f"unreadable ({exc.__class__.__name__}: {exc})")
        except (ValueError, yaml.YAMLError) as exc:
            yield Problem(relative, str(exc).splitlines()[0])


def read_jsonl(path: Path) -> Iterator[Document | Problem]:
    """One ``{doc_id, title, text, url?}`` object per line; bad lines are reported by number."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        yield Problem(path.name, f"unreadable ({exc})")
        return
    with handle:
        for line in numbered_objects(handle):
            source = f"{path.name}:{line.number}"
            obj = line.value
            if obj is None:
                yield Problem(source, str(line.problem))
                continue
            missing = [key for key in ("doc_id", "title", "text") if key not in obj]
            if missing:
                yield Problem(source, f"missing field {', '.join(map(repr, missing))}")
                continue
            try:
                yield _document(obj, str(obj["text"]), default_id="", source=source)
            except ValueError as exc:
                yield Problem(source, str(exc))


def read_documents(path: Path) -> Iterator[Document | Problem]:
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() == ".jsonl":
        return read_jsonl(path)
    if path.is_file() and path.suffix.lower() in SUFFIXES:
        return read_folder_file(path)
    raise FileNotFoundError(f"{path}: not a folder, a .jsonl file or a supported document")


def read_folder_file(path: Path) -> Iterator[Document | Problem]:
    """A single document file, read as if it were the only file of its folder."""
    for item in read_folder(path.parent):
        source = item.source if isinstance(item, Document) else item.source
        if source == path.name:
            yield item
