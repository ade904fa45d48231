"""The `tideline ask --report DIR` page: every question, the bot's answer and the passages it cites,
side by side, in one self-contained HTML file (no script, no external asset)."""

from __future__ import annotations

import os
import tempfile
from html import escape
from pathlib import Path
from typing import Any

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem} .summary{color:#444}
article{border-top:1px solid #ccc;padding:1rem 0;display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
article h2{grid-column:1/3;font-size:1.05rem;margin:0}
.answer{white-space:pre-wrap} .declined{color:#8a1c1c} .meta{color:#555;font-size:.85rem}
blockquote{margin:.25rem 0 .75rem;padding:.25rem .75rem;border-left:3px solid #8ab;white-space:pre-wrap;
font-size:.9rem;background:#f6f8fa}
.wrong{color:#8a1c1c;font-weight:600} .right{color:#1c6b2a;font-weight:600}
"""


def render(rows: list[dict[str, Any]], sources: dict[str, str], *, summary: str) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Tideline answers</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        "<h1>Tideline answers</h1>",
        f"<p class='summary'>{escape(summary)}</p>",
    ]
    for number, row in enumerate(rows, 1):
        parts.append(_article(number, row, sources))
    parts.append("</main></body></html>\n")
    return "".join(parts)


def _article(number: int, row: dict[str, Any], sources: dict[str, str]) -> str:
    answer = row["answer"]
    state = "answered" if answer["answered"] else "declined"
    check = ""
    gold = row.get("gold")
    if isinstance(gold, list) and gold:
        first = answer["citations"][0]["doc_id"] if answer["citations"] else None
        ok = first in gold
        check = (
            f" · <span class='{'right' if ok else 'wrong'}'>"
            f"{'first citation correct' if ok else 'expected ' + escape(', '.join(map(str, gold)))}"
            "</span>"
        )
    cited = []
    for index, citation in enumerate(answer["citations"], 1):
        title = escape(citation["title"])
        link = (
            f"<a href='{escape(citation['url'], quote=True)}'>{title}</a>"
            if citation.get("url")
            else title
        )
        text = escape(sources.get(citation["chunk_id"], ""))
        cited.append(
            f"<p>[{index}] {link} <span class='meta'>{escape(citation['chunk_id'])}</span></p>"
            f"<blockquote>{text}</blockquote>"
        )
    return (
        f"<article><h2>{number}. {escape(row['query'])}</h2>"
        f"<section><p class='meta'>{state} · confidence {answer['confidence']:.2f}{check}</p>"
        f"<div class='answer{'' if answer['answered'] else ' declined'}'>"
        f"{escape(answer['text'])}</div></section>"
        f"<section><p class='meta'>sources</p>{''.join(cited) or '<p>none</p>'}</section></article>"
    )


def write_report(
    folder: Path, rows: list[dict[str, Any]], sources: dict[str, str], *, summary: str
) -> Path:
    """Write ``folder/index.html`` atomically and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render(rows, sources, summary=summary))
        os.replace(tmp, page)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return page
