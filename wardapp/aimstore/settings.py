"""The AIM store's settings: environment variables WARDAPP_AIMSTORE_* or a config file."""

import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_FILE_VARIABLE = "WARDAPP_AIMSTORE_CONFIG"


def default_database_url() -> str:
    folder = Path(user_data_dir("wardapp-aimstore", appauthor=False))
    return f"sqlite:///{folder / 'aimstore.db'}"


class AimStoreSettings(BaseSettings):
    """Each option can be set as WARDAPP_AIMSTORE_<NAME> or as NAME=value in the config file."""

    model_config = SettingsConfigDict(env_prefix="WARDAPP_AIMSTORE_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs access tokens; generated once and kept in the database when unset.",
    )
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=60, ge=1, le=365)
    max_body_bytes: int = Field(
        default=4_000_000, ge=10_000, description="Larger request bodies are refused (413)."
    )


def load_settings(config_file: str | None = None) -> AimStoreSettings:
    """Settings from the environment, with a config file (KEY=value lines) underneath."""
    path = config_file or os.environ.get(CONFIG_FILE_VARIABLE)
    if path and not Path(path).is_file():
        raise FileNotFoundError(f"Config file not found: {path}")
    return AimStoreSettings(_env_file=path or None)
