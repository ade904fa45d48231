"""The sample help centre as web pages (`/help`, `/help/<doc_id>`), so the demo's citations open.

The sample articles' URLs are `/help/<doc_id>`; a real help centre's documents carry their own URLs
and never point here. Articles are Markdown rendered with raw HTML disabled (anything that looks
like a tag is shown as text), in a plain page with a landmark, a heading and a way back.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from knowledge.base import SAMPLE_HELPCENTRE
from knowledge.documents import read_folder
from knowledge.types import Document

router = APIRouter()

_STYLE = (
    "body{font:16px/1.6 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}"
    "header,main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem}"
    "header{border-bottom:1px solid #ddd}a{color:#0b5cad}"
    "table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.35rem .6rem;text-align:left}"
    "code{background:#f3f3f3;padding:0 .2rem}"
)
# Pages of plain text and one inline style: nothing else may load or run.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
}


@lru_cache(maxsize=1)
def _articles() -> dict[str, Document]:
    return {d.doc_id: d for d in read_folder(SAMPLE_HELPCENTRE) if isinstance(d, Document)}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _page(title: str, body: str) -> HTMLResponse:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} · Lumora help centre (sample)</title><style>{_STYLE}</style>"
        "</head><body><header><nav aria-label='Help centre'>"
        "<a href='/help'>Lumora help centre</a> (a sample for the Tideline demo)</nav></header>"
        f"<main>{body}</main></body></html>"
    )
    return HTMLResponse(html, headers=_HEADERS)


@router.get("/help", include_in_schema=False)
async def help_index() -> HTMLResponse:
    items = "".join(
        f"<li><a href='/help/{escape(d.doc_id, quote=True)}'>{escape(d.title)}</a></li>"
        for d in sorted(_articles().values(), key=lambda d: d.title.lower())
    )
    return _page("All articles", f"<h1>All articles</h1><ul>{items}</ul>")


@router.get("/help/{doc_id}", include_in_schema=False)
async def help_article(doc_id: str) -> HTMLResponse:
    article = _articles().get(doc_id)
    if article is None:
        raise HTTPException(status_code=404, detail="no such article")
    text = article.text
    # The article's own first heading repeats its title: the page's h1 says it once.
    first, _, rest = text.partition("\n")
    if first.lstrip("# ").strip().lower() == article.title.lower():
        text = rest
    body = _markdown().render(text)
    return _page(article.title, f"<article><h1>{escape(article.title)}</h1>{body}</article>")
