"""A chat model playing the scenario's customer persona, for runs with a configured model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from evals.scenarios import Scenario

if TYPE_CHECKING:
    from evals.records import TurnRecord

DONE = "[DONE]"

CUSTOMER_PROMPT = """\
You are role-playing a customer writing to the support chat of Lumora, a smart-home company.
Persona: {persona}
How the conversation opened (the customer's scripted messages, for the situation and the mood):
{script}

Write only the customer's next chat message: one or two short sentences, in the persona's voice.
Stay in character; react to what support just said. If the problem is solved, or a human agent has
taken over, or you would leave the chat now, reply with exactly {done}."""


class SimulatedCustomer:
    """Asks ``chat_model`` for the customer's next message; None when the customer is done."""

    def __init__(self, chat_model: Any) -> None:
        self.chat_model = chat_model

    def next_message(self, scenario: Scenario, turns: Sequence[TurnRecord]) -> str | None:
        script = "\n".join(f"- {t}" for t in scenario.turns)
        messages: list[BaseMessage] = [
            SystemMessage(
                CUSTOMER_PROMPT.format(persona=scenario.persona, script=script, done=DONE)
            )
        ]
        # Roles are swapped: to the model playing the customer, the bot is the other party.
        for turn in turns:
            messages.append(AIMessage(turn.message))
            messages.append(HumanMessage(turn.reply or "(a human agent will reply shortly)"))
        answer = self.chat_model.invoke(messages)
        text = str(getattr(answer, "content", answer)).strip()
        if not text or DONE in text:
            return None
        return text
