"""Runs scenarios through the real turn graph, in parallel up to a bound, and records every turn."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from agent.bot import SupportBot, TurnResult
from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.policy.decision import CustomerHistory
from evals.judge import judge_conversation
from evals.records import ConversationRun, TurnRecord
from evals.scenarios import Scenario
from evals.simulated import SimulatedCustomer

FIXED_CLOCK = 1_800_000_000.0  # evals run on a fixed clock so wait times and records repeat exactly


def _record(result: TurnResult, latency_ms: float) -> TurnRecord:
    d = result.decision
    reply = result.reply
    return TurnRecord(
        turn=result.turn,
        message=result.message,
        reading=result.reading.to_dict(),
        trend=result.sentiment.trend,
        decision={
            "escalate": d.escalate,
            "rule": d.rule,
            "severity": d.severity,
            "risk": d.risk,
            "tone": d.tone,
            "fired_rules": list(d.fired_rules),
            "raise_priority": d.raise_priority,
            "reason": d.reason,
        },
        retrieved=[p.doc_id for p in result.retrieval.passages],
        retrieval_confidence=result.retrieval.confidence,
        answerable=result.retrieval.answerable,
        # A handoff turn's reply is the queue notice, not an answer: keep it for injection checks.
        reply=reply.text if reply else None,
        citations=[c.doc_id for c in reply.citations] if reply else [],
        grounded=reply.grounded if reply else None,
        owner=result.owner,
        latency_ms=round(latency_ms, 3),
    )


class ScenarioRunner:
    """Plays scenarios against a fresh bot each (shared analyzer, retriever, policy, responder).

    ``simulator`` (a chat model playing the customer) is used only when given; otherwise the
    scripted turns are played, which makes the run deterministic wherever the parts are.
    """

    def __init__(
        self,
        deps: TurnDependencies,
        *,
        workers: int = 2,
        trials: int = 1,
        simulator: SimulatedCustomer | None = None,
        clock: Callable[[], float] = lambda: FIXED_CLOCK,
    ) -> None:
        if workers < 1 or trials < 1:
            raise ValueError("workers and trials must be at least 1")
        self.deps = deps
        self.workers = workers
        self.trials = trials
        self.simulator = simulator
        self.clock = clock

    def run(
        self,
        scenarios: Sequence[Scenario],
        *,
        on_done: Callable[[ConversationRun], None] | None = None,
    ) -> list[ConversationRun]:
        """Every scenario x trial, results in scenario order whatever order they finished in."""
        jobs = [(s, t) for s in scenarios for t in range(1, self.trials + 1)]
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="eval") as pool:
            futures = [pool.submit(self.run_one, s, t) for s, t in jobs]
            results = []
            for future in futures:
                run = future.result()
                if on_done is not None:
                    on_done(run)
                results.append(run)
        return results

    def run_one(self, scenario: Scenario, trial: int = 1) -> ConversationRun:
        queue = InMemoryHandoffQueue()
        bot = SupportBot(replace(self.deps, queue=queue, clock=self.clock))
        conversation_id = f"eval-{scenario.id}-{trial}"
        history = (
            CustomerHistory(**scenario.customer_history.model_dump())
            if scenario.customer_history
            else None
        )
        turns: list[TurnRecord] = []
        try:
            for text in self._customer_turns(scenario, turns):
                started = time.perf_counter()
                result = bot.take_turn(conversation_id, text, customer_history=history)
                turns.append(_record(result, (time.perf_counter() - started) * 1000))
        except Exception as exc:  # one broken conversation must not sink the whole run
            return self._judged(scenario, trial, turns, queue, error=f"{type(exc).__name__}: {exc}")
        return self._judged(scenario, trial, turns, queue)

    def _customer_turns(self, scenario: Scenario, turns: list[TurnRecord]) -> Any:
        if self.simulator is None:
            yield from scenario.turns
            return
        yield scenario.turns[0]
        limit = scenario.max_turns or len(scenario.turns)
        while len(turns) < limit:
            message = self.simulator.next_message(scenario, turns)
            if message is None:
                return
            yield message

    def _judged(
        self,
        scenario: Scenario,
        trial: int,
        turns: list[TurnRecord],
        queue: InMemoryHandoffQueue,
        *,
        error: str | None = None,
    ) -> ConversationRun:
        escalation = next((t for t in turns if t.decision["escalate"]), None)
        package = queue.packages[0] if queue.packages else None
        run = ConversationRun(
            scenario_id=scenario.id,
            trial=trial,
            turns=turns,
            escalated=escalation is not None,
            escalation_turn=escalation.turn if escalation else None,
            escalation_rule=escalation.decision["rule"] if escalation else None,
            handoff_summary=package.summary if package else None,
            handoff_rationale=package.rationale if package else None,
            error=error,
        )
        return replace(run, checks=judge_conversation(scenario, run))
