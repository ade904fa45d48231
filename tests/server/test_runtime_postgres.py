"""DATABASE_URL on PostgreSQL: records and graph checkpoints both live there, and survive a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from server.records.conversations import get_conversation
from server.records.messages import messages_after
from server.runtime import open_runtime
from server.settings import ServerSettings

pytestmark = pytest.mark.postgres


def test_a_conversation_continues_after_a_restart_on_postgres(
    postgres_url: str, sample_data_dir: Path
) -> None:
    settings = ServerSettings(data_dir=sample_data_dir, database_url=postgres_url)
    with open_runtime(settings, load_sample=False) as runtime:
        conversations = runtime.conversations
        cid = conversations.start_conversation()
        first = conversations.customer_message(cid, "how do I reset my password?")
        assert first.reply is not None and first.reply.citations

    # A new process: everything it knows about the conversation comes from PostgreSQL.
    with open_runtime(settings, load_sample=False) as runtime:
        second = runtime.conversations.customer_message(
            cid, "I've asked three times now, let me talk to a person"
        )
        assert second.turn == 2  # the checkpoint was read back from PostgreSQL
        assert second.handed_off and second.owner == "queued"
        state = runtime.bot.snapshot(cid)
        assert [e["role"] for e in state["transcript"]] == ["customer", "bot", "customer", "system"]
        with Session(runtime.engine) as session:
            messages = messages_after(session=session, conversation_id=cid)
            assert [m.seq for m in messages] == [1, 2, 3, 4]
            assert get_conversation(session=session, conversation_id=cid).owner == "queued"
            # The graph's checkpoints are in the same database, not in a file under the data dir.
            count = session.exec(  # type: ignore[call-overload]
                text("SELECT count(*) FROM checkpoints WHERE thread_id = :cid").bindparams(cid=cid)
            ).one()[0]
            assert count >= 1
