"""The customer's channel: the /ws/chat socket, its frames, resume tokens, identity, rate limits, outbox."""
