"""The sample help centre served by Tideline: the pages the demo's citations link to."""

from __future__ import annotations

import httpx
from channel_support import RunningServer

from knowledge.base import SAMPLE_HELPCENTRE
from knowledge.documents import read_folder
from knowledge.types import Document


def test_an_article_is_a_readable_page_with_its_steps_and_a_way_back(
    chat_server: RunningServer,
) -> None:
    page = httpx.get(f"{chat_server.url}/help/password-reset")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<html lang='en'>" in html and "<main>" in html
    assert html.count("<h1>") == 1 and "<h1>Reset your Lumora password</h1>" in html
    assert "<ol>" in html and "<strong>Forgot password?</strong>" in html  # steps stay a list
    assert "<a href='/help'>" in html
    assert "script-src" not in page.headers["content-security-policy"]  # nothing may run


def test_tables_render_and_unknown_articles_are_404(chat_server: RunningServer) -> None:
    page = httpx.get(f"{chat_server.url}/help/refund-timelines")
    assert "<table>" in page.text and "<td>PayPal</td>" in page.text
    assert httpx.get(f"{chat_server.url}/help/no-such-article").status_code == 404
    assert httpx.get(f"{chat_server.url}/help/..%2Fpyproject.toml").status_code == 404


def test_the_index_lists_every_sample_article_and_their_urls_point_here(
    chat_server: RunningServer,
) -> None:
    index = httpx.get(f"{chat_server.url}/help").text
    documents = [d for d in read_folder(SAMPLE_HELPCENTRE) if isinstance(d, Document)]
    assert len(documents) == 55
    for document in documents:
        assert document.url == f"/help/{document.doc_id}"
        assert f"href='/help/{document.doc_id}'" in index


def test_markup_in_an_article_is_shown_as_text_not_run() -> None:
    from server.channel.help_pages import _markdown

    html = _markdown().render("Hello <script>alert(1)</script> **there**")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<strong>there</strong>" in html
