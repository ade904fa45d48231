"""A lease in Redis: of several server processes, the one holding it runs a periodic job.

Taken with ``SET key token NX PX``; the holder renews it (``PEXPIRE`` only while the value is
still its token) and releases it (``DEL`` only while the value is its token), so a process whose
lease expired and passed to another can neither extend nor delete the other's.
"""

from __future__ import annotations

import secrets

import redis

# Both scripts act only when the key still holds the caller's token.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisLease:
    """One named lease; ``take`` is called before each run of the job (it renews a held lease)."""

    def __init__(self, client: redis.Redis, key: str, *, holder: str) -> None:
        self.client, self.key = client, key
        self.token = f"{holder}:{secrets.token_hex(8)}"  # a restarted holder is a new holder

    @classmethod
    def from_url(cls, url: str, *, prefix: str, name: str, holder: str) -> RedisLease:
        client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        return cls(client, f"{prefix}:lease:{name}", holder=holder)

    def take(self, seconds: float) -> bool:
        """Renew the lease for ``seconds`` if held, else take it if free; False while another has it."""
        ms = max(1, int(seconds * 1000))
        if self.client.eval(_RENEW, 1, self.key, self.token, ms):
            return True
        return bool(self.client.set(self.key, self.token, nx=True, px=ms))

    def release(self) -> bool:
        """Give the lease up at once (so another process need not wait for it to expire); only
        the holder's release deletes it."""
        return bool(self.client.eval(_RELEASE, 1, self.key, self.token))

    def close(self) -> None:
        self.client.close()
