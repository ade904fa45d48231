"""The revisions of the records schema, oldest first by number (Alembic skips this file)."""
