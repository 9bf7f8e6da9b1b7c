"""One frozen settings object, read from environment variables with safe defaults."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Service configuration. Every field can be set as TRIAGE_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", frozen=True)

    model_dir: Path = Field(Path("models/latest"), description="model folder to serve")
    rules_file: Path = Field(
        Path(__file__).with_name("red_flags.yaml"), description="red-flag rules file"
    )
    max_text_chars: int = Field(5000, ge=1)
    max_batch: int = Field(256, ge=1)
    max_body_bytes: int = Field(1 << 20, ge=1024)
    admin_token: str | None = Field(None, description="enables POST /admin/reload when set")
    cors_origins: list[str] = Field(default_factory=list, description="CORS is off when empty")
    batch_helper: bool = Field(
        True, description="a process forked from each worker assesses part of every batch"
    )
    worker_memory_mb: int = Field(
        224,
        ge=0,
        description="a worker whose resident memory passes this many MiB is replaced by a fresh "
        "one, without refusing a request; its batch helper is forked afresh once the worker's "
        "resident memory and the helper's own pages together pass it (0: never)",
    )
    log_level: str = "INFO"
    log_text: bool = Field(False, description="never log request text unless explicitly enabled")
