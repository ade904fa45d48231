"""The agent side's Settings: the knowledge base, the models, the policy and the records URL the
checkpoints share. The server's own settings extend it (``server/settings.py``); every environment
variable is read in one of the two and nowhere else."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of the agent, the knowledge base and the command-line tools that use them.

    Embedded defaults need nothing: SQLite and an on-disk Chroma under ``data_dir``, the local MiniLM
    embedder, the offline sentiment analyzer and the grounded responder. Setting ``DATABASE_URL``,
    ``REDIS_URL``, ``CHROMA_URL`` or a chat model switches the matching part to its scale-out form.
    """

    model_config = SettingsConfigDict(env_prefix="TIDELINE_", extra="ignore")

    data_dir: Path = Field(
        default=Path(".tideline"),
        description="Where the SQLite files, the Chroma store and the model cache live.",
    )
    collection: str = Field(default="helpcentre", description="Knowledge-base collection name.")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "TIDELINE_DATABASE_URL"),
        description="SQLAlchemy URL of the records database; SQLite under data_dir when unset.",
    )
    chroma_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CHROMA_URL", "TIDELINE_CHROMA_URL"),
        description="Chroma server URL (http://host:port); an on-disk Chroma when unset.",
    )

    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "TIDELINE_OPENAI_API_KEY"),
        description="Key for the chat model provider.",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "TIDELINE_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp ...).",
    )
    chat_model: str = Field(default="gpt-4o-mini", description="Chat model name.")
    chat_timeout_s: float = Field(default=20.0, description="Timeout of one chat-model call.")
    chat_max_retries: int = Field(default=1, description="Retries of a failed chat-model call.")
    sentiment_timeout_s: float = Field(default=3.0, description="Timeout of the LLM analyzer.")
    use_llm_sentiment: bool = Field(
        default=True, description="Use the LLM analyzer when a chat model is configured."
    )
    embedding_model: str = Field(
        default="local-minilm",
        description=(
            "'local-minilm' (bundled, offline, int8), 'local-minilm-fp32' (the unquantised graph) "
            "or an OpenAI embeddings model name."
        ),
    )

    policy_path: Path | None = Field(
        default=None, description="Escalation policy YAML; the shipped default when unset."
    )

    @property
    def chat_model_configured(self) -> bool:
        """True when a chat model should be used instead of the grounded responder."""
        return self.openai_api_key is not None or self.openai_base_url is not None

    @cached_property
    def resolved_data_dir(self) -> Path:
        path = self.data_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def checkpoint_path(self) -> Path:
        return self.resolved_data_dir / "checkpoints.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.resolved_data_dir / "chroma"

    @property
    def model_cache_dir(self) -> Path:
        return self.resolved_data_dir / "models"
