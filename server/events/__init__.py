"""The event bus between server processes (in-process or Redis pub/sub) and the Redis-backed limits."""
