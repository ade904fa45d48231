"""The server's Settings: the agent's (``agent/settings.py``) and what only the server reads.

Redis, the signing secrets, the console, the customer widget, proactive support and the quality
meter. It fails closed: an unknown ``environment`` or a malformed proxy list is an error at start.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator

from agent.settings import Settings


class ServerSettings(Settings):
    """Everything ``tideline serve`` and the server's commands read; the agent's settings included."""

    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "TIDELINE_REDIS_URL"),
        description="Redis for cross-process events; in-process when unset.",
    )
    redis_prefix: str = Field(
        default="tideline",
        description="Prefix of Tideline's Redis keys and channels (several deployments can share "
        "one Redis).",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs resume tokens and console sessions; required in production. Unset in "
        "development: a random one is generated once and kept in the data directory.",
    )
    previous_secret_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated keys being rotated out: resume tokens and console sessions "
        "they signed still verify until they are removed; everything new is signed with "
        "secret_key.",
    )
    environment: Literal["development", "production"] = Field(
        default="development", description="a typo is an error, not a development server"
    )
    customer_secret: SecretStr | None = Field(
        default=None,
        description="Shared with the host site, which signs customer ids with it (HMAC-SHA256); "
        "unset: every chat is anonymous.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or CIDR blocks of the reverse proxies in front of "
        "the server. Only a connection from one of them has its X-Forwarded-For read (the "
        "rightmost entry not in this list is the client); unset: the peer is the client.",
    )
    api_docs: bool = Field(
        default=False,
        description="Serve the API schema at /openapi.json and its docs page at /docs.",
    )
    console_live_scores: Literal["supervisors", "everyone"] = Field(
        default="supervisors",
        description="Who sees a customer's sentiment scores live in the console while they chat "
        "with a person (the readings that led to the handoff are shown to everyone).",
    )
    console_session_hours: float = Field(
        default=12.0, gt=0, description="How long a console sign-in lasts."
    )
    handoff_wait_raise_s: float = Field(
        default=300.0,
        ge=0,
        description="A handoff waiting longer than this rises one severity step, and again after "
        "each further interval; 0 turns it off.",
    )
    idle_close_minutes: float = Field(
        default=30.0,
        ge=0,
        description="A conversation the bot owns closes (and asks for a rating) after this many "
        "minutes without a message; 0 turns it off.",
    )
    satisfaction_model_path: Path | None = Field(
        default=None,
        description="Predicted-satisfaction model written by `tideline quality train` "
        "(default: the shipped one).",
    )
    host_api_key: SecretStr | None = Field(
        default=None,
        description="The key the host system sends (Authorization: Bearer) to /api/host/...; "
        "unset: the host API refuses every call.",
    )
    outreach_policy_path: Path | None = Field(
        default=None, description="Outreach policy YAML; the shipped default when unset."
    )
    outreach_scan_interval_s: float = Field(
        default=0.0,
        ge=0,
        description="How often the server scans the customers in the records for outreach "
        "(one process at a time across the deployment); 0 turns it off.",
    )
    outreach_webhook_url: str | None = Field(
        default=None,
        description="Where approved outreach messages are POSTed (signed); unset: they wait for "
        "the customer's next visit to the widget only.",
    )
    outreach_webhook_secret: SecretStr | None = Field(
        default=None, description="Signs the outreach webhook's body (HMAC-SHA256)."
    )
    outreach_webhook_attempts: int = Field(
        default=5, ge=1, le=20, description="Tries of one webhook delivery before it is failed."
    )
    outreach_webhook_backoff_s: float = Field(
        default=2.0, ge=0, description="Wait before the first retry; doubled after each."
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for entry in value.split(","):
            if entry.strip():
                try:
                    ipaddress.ip_network(entry.strip(), strict=False)
                except ValueError:
                    raise ValueError(
                        f"{entry.strip()!r} is not an IP address or CIDR block "
                        "(e.g. 10.0.0.5 or 10.0.0.0/8)"
                    ) from None
        return value

    @property
    def records_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_data_dir / 'tideline.db'}"
