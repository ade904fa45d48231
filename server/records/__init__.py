"""The durable records of Tideline (DESIGN §5): tables, engine, data functions, handoff queue."""
