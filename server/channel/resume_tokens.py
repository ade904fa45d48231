"""Signed resume tokens: prove a reconnecting widget belongs to the conversation it names."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from server.settings import ServerSettings

MIN_PRODUCTION_SECRET_CHARS = 32
TOKEN_VERSION = "v1"
# Where a development server keeps the secret it generated (readable by its owner only).
SECRET_FILE = "secret_key"
log = logging.getLogger(__name__)
# A customer coming back to a tab after a week should still find the conversation.
DEFAULT_MAX_AGE_S = 30 * 86_400.0


class InsecureSecret(ValueError):
    """The server would sign tokens with a secret anyone can read in the source."""


class InvalidResumeToken(ValueError):
    """A token that is forged, expired, malformed or for another conversation.

    The message is the same in every case so a refusal reveals nothing about which one it was.
    """

    def __init__(self) -> None:
        super().__init__("This chat session cannot be resumed.")


def signing_secret(settings: ServerSettings) -> bytes:
    """The secret from settings; in development without one, the data directory's own.

    Production requires an explicit secret of at least ``MIN_PRODUCTION_SECRET_CHARS``. Without
    one, a development server generates a random secret once and keeps it (mode 0600) in its data
    directory, so nothing is ever signed with a value anyone can read in the source.
    """
    if settings.secret_key is None:
        if settings.environment == "production":
            raise InsecureSecret(
                "TIDELINE_SECRET_KEY must be set when TIDELINE_ENVIRONMENT=production "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        return _data_dir_secret(settings.resolved_data_dir / SECRET_FILE)
    secret = settings.secret_key.get_secret_value()
    if settings.environment == "production" and len(secret) < MIN_PRODUCTION_SECRET_CHARS:
        raise InsecureSecret(
            "TIDELINE_SECRET_KEY must be a random value of at least "
            f"{MIN_PRODUCTION_SECRET_CHARS} characters when TIDELINE_ENVIRONMENT=production "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    return secret.encode("utf-8")


def previous_secrets(settings: ServerSettings) -> tuple[bytes, ...]:
    """The keys being rotated out (``TIDELINE_PREVIOUS_SECRET_KEYS``, comma-separated)."""
    if settings.previous_secret_keys is None:
        return ()
    keys = settings.previous_secret_keys.get_secret_value().split(",")
    return tuple(key.strip().encode("utf-8") for key in keys if key.strip())


def _data_dir_secret(path: Path) -> bytes:
    """Read the generated secret, creating it first if this data directory has none.

    The file is written under a temporary name and linked into place, so several processes
    starting at once on one data directory all end up with the same, whole secret.
    """
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
            log.warning(
                "TIDELINE_SECRET_KEY is not set: generated a random signing secret in %s "
                "(set TIDELINE_SECRET_KEY to share one across servers)",
                path,
            )
        except FileExistsError:
            pass  # another process made it first; use theirs
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip().encode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ResumeTokens:
    """Issues and checks ``v1.<subject>.<issued>.<hmac>`` tokens (HMAC-SHA256).

    The subject is a conversation id for the widget's resume tokens; the console's session cookie
    is the same kind of token for an agent id, signed with a key of its own ``purpose``.
    """

    def __init__(
        self,
        secret: bytes,
        *,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        clock: Callable[[], float] = time.time,
        purpose: bytes = b"tideline resume token",
        previous: tuple[bytes, ...] = (),
    ) -> None:
        # Derive a key for this one purpose, so the same secret can sign other things safely.
        self._key = hmac.new(secret, purpose, hashlib.sha256).digest()
        # Keys being rotated out: what they signed still verifies until they are removed.
        self._previous = [hmac.new(old, purpose, hashlib.sha256).digest() for old in previous]
        self.max_age_s = max_age_s
        self.clock = clock

    def _sign(self, payload: str, key: bytes | None = None) -> str:
        digest = hmac.new(key or self._key, payload.encode("utf-8"), hashlib.sha256).digest()
        return _b64(digest)

    def _signed_by_a_known_key(self, payload: str, signature: str) -> bool:
        # Every key is tried (no early exit), so timing does not tell which one signed it.
        matches = [
            hmac.compare_digest(self._sign(payload, key), signature)
            for key in (self._key, *self._previous)
        ]
        return any(matches)

    def issue(self, conversation_id: str) -> str:
        payload = f"{TOKEN_VERSION}.{_b64(conversation_id.encode('utf-8'))}.{int(self.clock())}"
        return f"{payload}.{self._sign(payload)}"

    def verify(self, token: object, *, conversation_id: str | None = None) -> str:
        """The conversation the token was issued for; raises ``InvalidResumeToken`` otherwise."""
        if not isinstance(token, str) or len(token) > 512:
            raise InvalidResumeToken()
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != TOKEN_VERSION:
            raise InvalidResumeToken()
        payload, signature = ".".join(parts[:3]), parts[3]
        if not self._signed_by_a_known_key(payload, signature):
            raise InvalidResumeToken()
        try:
            owner = _unb64(parts[1]).decode("utf-8")
            issued = int(parts[2])
        except (ValueError, UnicodeDecodeError):
            raise InvalidResumeToken() from None
        if self.clock() - issued > self.max_age_s:
            raise InvalidResumeToken()
        if conversation_id is not None and not hmac.compare_digest(
            owner.encode("utf-8"), conversation_id.encode("utf-8")
        ):
            raise InvalidResumeToken()
        return owner
