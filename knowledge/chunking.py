"""Heading-aware chunking: sections split on Markdown headings, long sections split by size."""

from __future__ import annotations

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from knowledge.types import Chunk, Document

# Part of every document's content hash: changing the chunking re-chunks every document on ingest.
CHUNKER_VERSION = "md-h3/700/80-v1"
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


class Chunker:
    """Splits a document into chunks whose ids are ``f"{doc_id}#{index}"`` in reading order."""

    def __init__(self, *, chunk_size: int = 700, chunk_overlap: int = 80) -> None:
        self._headings = MarkdownHeaderTextSplitter(
            headers_to_split_on=_HEADERS, strip_headers=True
        )
        # ~700 characters stays under the model's 256-token window with room to spare.
        self._sizes = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size, chunk_overlap=chunk_overlap
        )

    def split(self, doc: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        for section in self._headings.split_text(doc.text):
            path = [section.metadata[key] for _, key in _HEADERS if key in section.metadata]
            # The document's own H1 usually repeats its title; keep only the headings below it.
            if path and path[0].strip().lower() == doc.title.strip().lower():
                path = path[1:]
            heading = " > ".join(path)
            for piece in self._sizes.split_text(section.page_content):
                if not piece.strip():
                    continue
                chunks.append(
                    Chunk(
                        chunk_id=f"{doc.doc_id}#{len(chunks)}",
                        doc_id=doc.doc_id,
                        title=doc.title,
                        section=heading,
                        text=piece.strip(),
                        url=doc.url,
                    )
                )
        return chunks


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and indexed: the title and heading path give a short chunk its context."""
    head = f"{chunk.title} > {chunk.section}" if chunk.section else chunk.title
    return f"{head}\n{chunk.text}"
