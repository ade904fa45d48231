"""Agent tokens: shown once, stored only as a salted hash, wrong or disabled tokens refused."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from server.records.agents import authenticate_agent, create_agent, disable_agent
from server.records.errors import AgentNameTaken


def test_token_authenticates_its_agent_and_only_a_hash_is_stored(session: Session) -> None:
    agent, token = create_agent(session=session, name="Ana", role="supervisor")
    secret = token.split(".", 1)[1]
    assert secret not in agent.token_hash and token not in agent.token_hash
    assert agent.token_hash.startswith("sha256$")
    found = authenticate_agent(session=session, token=token)
    assert found is not None and found.id == agent.id and found.role == "supervisor"


def test_same_secret_hashes_differently_for_two_agents(session: Session) -> None:
    a, _ = create_agent(session=session, name="A")
    b, _ = create_agent(session=session, name="B")
    assert a.token_hash != b.token_hash


@pytest.mark.parametrize("mangle", ["flip_last", "other_agent", "no_dot", "empty", "id_only"])
def test_wrong_tokens_are_refused(session: Session, mangle: str) -> None:
    agent, token = create_agent(session=session, name="Ana")
    other, other_token = create_agent(session=session, name="Ben")
    wrong = {
        "flip_last": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "other_agent": f"{agent.id}.{other_token.split('.', 1)[1]}",
        "no_dot": token.replace(".", ""),
        "empty": "",
        "id_only": f"{agent.id}.",
    }[mangle]
    assert authenticate_agent(session=session, token=wrong) is None


def test_disabled_agent_token_is_refused(session: Session) -> None:
    agent, token = create_agent(session=session, name="Ana")
    disable_agent(session=session, agent_id=agent.id)
    assert authenticate_agent(session=session, token=token) is None


def test_duplicate_name_and_bad_role_are_refused(session: Session) -> None:
    create_agent(session=session, name="Ana")
    with pytest.raises(AgentNameTaken, match="'Ana' already exists"):
        create_agent(session=session, name="Ana")
    with pytest.raises(ValueError, match="role must be one of agent, supervisor"):
        create_agent(session=session, name="Cy", role="admin")
    agent, token = create_agent(session=session, name="Cy")  # the session still works
    assert authenticate_agent(session=session, token=token) is not None
