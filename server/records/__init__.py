"""The durable records of Tideline (docs/records.md): tables, engine, data functions, handoff queue."""
