"""The LLM responder: a chat model answers from the retrieved passages, streamed and cited."""

from __future__ import annotations

import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agent.policy.tone import contains_boilerplate
from agent.prompts import ANSWER_SYSTEM_PROMPT, NOTES_TEMPLATE, PASSAGE_TEMPLATE
from agent.responders.base import Citation, Reply, ReplyRequest, Responder, TokenSink
from agent.responders.outcome_guard import unmade_outcome_claim
from knowledge.types import Passage

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"[a-z0-9']+")
_APPROVAL = r"(approved|authori[sz]ed|granted|guaranteed|waived)"
_SUBJECT = r"(refund|credit|compensation|exception|reimbursement|chargeback|fee)"
# A promise of an outcome: "your refund has been approved", "I've approved a full refund".
_PROMISE = re.compile(
    rf"\b{_SUBJECT}\w*\b[^.!?\n]{{0,40}}\b{_APPROVAL}\b|\b{_APPROVAL}\b[^.!?\n]{{0,40}}\b{_SUBJECT}",
    re.IGNORECASE,
)
# Long enough that ordinary answers never share it with the instructions by chance.
_LEAK_WINDOW = 8


class LLMResponder:
    """Streams the chat model's answer; the ``fallback`` responder answers whenever it cannot."""

    name = "llm"

    def __init__(self, chat_model: BaseChatModel, fallback: Responder) -> None:
        self.chat_model = chat_model
        self.fallback = fallback
        self._instruction_shingles = _shingles(
            ANSWER_SYSTEM_PROMPT.split("Tone:")[0].split("Passages:")[0]
        )

    def respond(self, request: ReplyRequest, on_token: TokenSink | None = None) -> Reply:
        passages = request.retrieval.passages
        if not request.retrieval.answerable:
            # Nothing to ground an answer on: the honest "I can bring in a person" reply, no call.
            return self.fallback.respond(request, on_token)
        streamed: list[str] = []
        try:
            for chunk in self.chat_model.stream(build_messages(request)):
                delta = _text(chunk.content)
                if delta:
                    streamed.append(delta)
                    if on_token is not None:
                        on_token(delta)
        except Exception as exc:  # any failure of the model or the network: the fallback answers
            return self._fall_back(request, on_token, _reason(exc), streamed=bool(streamed))
        text = without_boilerplate("".join(streamed).strip())
        problem = self._problem(text, passages)
        if problem is not None:
            return self._fall_back(request, on_token, problem, streamed=bool(streamed))
        text, citations = map_citations(text, passages)
        return Reply(text=text, citations=citations, grounded=bool(citations), responder=self.name)

    def _problem(self, text: str, passages: list[Passage]) -> str | None:
        """Why this answer must not reach the customer, or None when it may."""
        if not text:
            return "empty answer"
        if _shingles(text) & self._instruction_shingles:
            return "answer quoted the instructions"
        promise = _PROMISE.search(text)
        if promise is not None:
            approval = (promise.group(2) or promise.group(3)).lower()
            if approval not in " ".join(p.text for p in passages).lower():
                return "answer promised an outcome the passages do not state"
        claimed = unmade_outcome_claim(text)
        if claimed is not None:
            # Even when the passages use the words: the bot itself hands over or approves nothing.
            return f"answer stated {'an' if claimed == 'approval' else 'a'} {claimed} that did not happen"
        return None

    def _fall_back(
        self, request: ReplyRequest, on_token: TokenSink | None, reason: str, *, streamed: bool
    ) -> Reply:
        # After a partial stream the consumer replaces the preview with the final message; sending
        # the fallback's tokens on top of the partial ones would only garble that preview.
        reply = self.fallback.respond(request, None if streamed else on_token)
        return Reply(
            text=reply.text,
            citations=reply.citations,
            grounded=reply.grounded,
            responder=reply.responder,
            fallback_reason=reason,
        )


def build_messages(request: ReplyRequest) -> list[BaseMessage]:
    """The system prompt with the numbered passages and tone, the recent history, the question."""
    passages = "\n\n".join(
        PASSAGE_TEMPLATE.format(
            number=n,
            title=p.title,
            section=f" - {p.section}" if p.section and p.section != p.title else "",
            text=p.text.strip(),
        )
        for n, p in enumerate(request.retrieval.passages, 1)
    )
    notes = NOTES_TEMPLATE.format(notes="\n".join(f"- {n}" for n in request.notes))
    system = ANSWER_SYSTEM_PROMPT.format(
        tone_instruction=request.tone_instruction,
        notes=notes if request.notes else "",
        passages=passages,
    )
    if request.acknowledgement:
        system += f"\n\nOpen the answer with this acknowledgement, once: {request.acknowledgement}"
    messages: list[BaseMessage] = [SystemMessage(system)]
    history = list(request.history)
    if (
        history
        and history[-1].get("role") == "customer"
        and history[-1]["text"] == request.question
    ):
        history.pop()  # the graph records the question before the reply is written
    for entry in history:
        role, text = entry.get("role"), entry.get("text", "")
        if role in ("customer", "user"):
            messages.append(HumanMessage(text))
        elif role in ("bot", "assistant"):
            messages.append(AIMessage(text))
        elif role == "agent":
            messages.append(AIMessage(f"(A human support agent wrote:) {text}"))
    messages.append(HumanMessage(request.question))
    return messages


def without_boilerplate(text: str) -> str:
    """The answer without sentences built on stock phrases, which the tone rules forbid."""
    lines = []
    for line in text.split("\n"):
        sentences = _SENTENCE.split(line)
        kept = [s for s in sentences if contains_boilerplate(s) is None]
        if kept or not line.strip():
            lines.append(" ".join(kept) if len(kept) != len(sentences) else line)
    return "\n".join(lines).strip()


def map_citations(text: str, passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Turn the model's [n] markers into citations, renumbered so [k] is the k-th citation.

    Markers naming no passage are dropped from the text.
    """
    order: list[int] = []
    for match in _MARKER.finditer(text):
        for number in (int(n) for n in match.group(1).split(",")):
            if 1 <= number <= len(passages) and number not in order:
                order.append(number)
    renumber = {old: new for new, old in enumerate(order, 1)}

    def replace(match: re.Match[str]) -> str:
        kept = [renumber[int(n)] for n in match.group(1).split(",") if int(n) in renumber]
        return "".join(f"[{k}]" for k in dict.fromkeys(kept))

    cleaned = re.sub(r"[ \t]+(?=[.,;:!?]|$)", "", _MARKER.sub(replace, text), flags=re.MULTILINE)
    citations = [
        Citation(
            doc_id=passages[n - 1].doc_id,
            chunk_id=passages[n - 1].chunk_id,
            title=passages[n - 1].title,
            url=passages[n - 1].url,
        )
        for n in order
    ]
    return cleaned, citations


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        )
    return ""


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return {tuple(words[i : i + _LEAK_WINDOW]) for i in range(len(words) - _LEAK_WINDOW + 1)}


def _reason(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}"[:200] if message else type(exc).__name__
