"""The AIM store's settings: environment variables WARDAPP_AIMSTORE_* or a config file."""

import ipaddress
import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from wardapp.core.anonymise import Policy
from wardapp.core.importfile import FileLimits

_POLICY = Policy()  # the partnership's agreed defaults live with the policy itself
CONFIG_FILE_VARIABLE = "WARDAPP_AIMSTORE_CONFIG"
# HS256 keys shorter than its 32-byte hash can be guessed offline from any one access token.
MIN_SECRET_KEY_BYTES = 32
ENV_PREFIX = "WARDAPP_AIMSTORE_"


def default_database_url() -> str:
    folder = Path(user_data_dir("wardapp-aimstore", appauthor=False))
    return f"sqlite:///{folder / 'aimstore.db'}"


class AimStoreSettings(BaseSettings):
    """Each option can be set as WARDAPP_AIMSTORE_<NAME> or as NAME=value in the config file."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

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
    refresh_grace_seconds: int = Field(
        default=60,
        ge=0,
        le=3600,
        description="A refresh token just replaced is accepted once more within this time "
        "(a reply lost in transit); any other reuse signs the device out.",
    )
    session_max_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="A device signs in with its password again after this many days, "
        "however often it refreshes.",
    )
    max_body_bytes: int = Field(
        default=4_000_000, ge=10_000, description="Larger request bodies are refused (413)."
    )
    max_import_bytes: int = Field(
        default=200_000_000,
        ge=10_000,
        description="Larger import files are refused whole (POST /v1/imports and the "
        "import command).",
    )
    max_import_rows: int = Field(
        default=2_000_000,
        ge=1,
        description="Import files with more rows are refused whole, before anything is written.",
    )
    retention_report_days: int = Field(
        default=2190,
        ge=1,
        description="Reports older than this (from the day they happened) are kept only "
        "anonymised; imported rows this old arrive anonymised.",
    )
    max_concurrent_requests: int = Field(
        default=8,
        ge=1,
        le=39,
        description="Requests handled at once per process; more wait their turn (queued).",
    )
    header_timeout_seconds: float = Field(
        default=10, ge=1, le=300, description="A request's line and headers must arrive in time."
    )
    body_timeout_seconds: float = Field(
        default=10,
        ge=1,
        le=600,
        description="A request body may take this long, plus a second for every "
        "BODY_MIN_BYTES_PER_SECOND bytes of it; slower ones are refused (408).",
    )
    body_min_bytes_per_second: int = Field(
        default=10_000, ge=100, le=100_000_000, description="The slowest upload accepted."
    )
    max_incomplete_per_client: int = Field(
        default=32,
        ge=1,
        le=10_000,
        description="Requests one client address may have half-sent at once; more are refused.",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1,::1",
        description="The reverse proxies whose X-Forwarded-For names the client: addresses or "
        "networks, comma-separated; empty for none.",
    )
    api_docs: bool = Field(
        default=False, description="Serve the interactive API pages at /docs and /redoc."
    )
    sign_in_max_failures: int = Field(
        default=5, ge=1, le=1000, description="Failed sign-ins in the window that lock an account."
    )
    sign_in_window_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="How long failed sign-ins are remembered."
    )
    sign_in_lock_seconds: int = Field(
        default=60, ge=1, le=24 * 3600, description="First lock; doubles with each further failure."
    )
    sign_in_max_lock_seconds: int = Field(
        default=3600, ge=1, le=7 * 24 * 3600, description="The longest a lock grows to."
    )
    sign_in_address_max_failures: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Failed sign-ins in the window, to any accounts, that lock one address.",
    )
    open311_requests_per_minute: int = Field(
        default=60,
        ge=1,
        le=100_000,
        description="Requests one Open311 API key may make in a minute; more are refused (429).",
    )
    summary_min_count: int = Field(
        default=_POLICY.min_count, ge=2, le=100, description="Counts below this are not shown."
    )
    summary_rounding: int = Field(
        default=_POLICY.rounding, ge=1, le=100, description="Shown counts round to this."
    )
    summary_publish_delay_days: int = Field(
        default=_POLICY.publish_delay_days,
        ge=0,
        le=60,
        description="Days after a period ends before it is published (and then frozen).",
    )
    hotspot_min_reports: int = Field(
        default=_POLICY.hex_min_reports, ge=2, le=1000, description="Reports a hot spot needs."
    )
    hotspot_min_reporters: int = Field(
        default=_POLICY.hex_min_reporters,
        ge=2,
        le=100,
        description="Different reporters a hot spot needs.",
    )
    hotspot_h3_resolution: int = Field(
        default=_POLICY.h3_resolution,
        ge=5,
        le=8,
        description="H3 resolution of hot spots (8 is about 0.7 km2; smaller is coarser).",
    )

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_SECRET_KEY_BYTES:
            raise ValueError(
                f"must be at least {MIN_SECRET_KEY_BYTES} bytes; "
                "make one with `openssl rand -base64 48`, or leave it unset"
            )
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _addresses_or_networks(cls, value: str) -> str:
        """uvicorn would take a mistyped entry as a literal that never matches; say so here."""
        for entry in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network (such as 172.30.87.0/24)"
                ) from None
        return value

    def import_limits(self) -> FileLimits:
        return FileLimits(self.max_import_bytes, self.max_import_rows)

    def policy(self) -> Policy:
        return Policy(
            min_count=self.summary_min_count,
            rounding=self.summary_rounding,
            hex_min_reports=self.hotspot_min_reports,
            hex_min_reporters=self.hotspot_min_reporters,
            h3_resolution=self.hotspot_h3_resolution,
            publish_delay_days=self.summary_publish_delay_days,
        )


class SettingsError(ValueError):
    """A config file or setting that cannot be used; the message says what to fix."""


def read_config_file(path: Path) -> dict[str, str]:
    """NAME=value lines (``#`` comments, blank lines); NAME with or without the env prefix.

    Parsed here rather than as a dotenv file because pydantic-settings would only accept
    the prefixed names there, silently ignoring the plain ``DATABASE_URL=`` an
    administrator writes.
    """
    known = set(AimStoreSettings.model_fields)
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip().upper().removeprefix(ENV_PREFIX)
        if not sep or not name:
            raise SettingsError(f"{path}, line {number}: write settings as NAME=value.")
        if name.lower() not in known:
            raise SettingsError(
                f"{path}, line {number}: unknown setting {name}; "
                f"known: {', '.join(sorted(n.upper() for n in known))}."
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.lower()] = value
    return values


def load_settings(config_file: str | None = None) -> AimStoreSettings:
    """Settings from the environment, with a config file (NAME=value lines) underneath."""
    path = config_file or os.environ.get(CONFIG_FILE_VARIABLE)
    if path and not Path(path).is_file():
        raise FileNotFoundError(f"Config file not found: {path}")
    from_file = read_config_file(Path(path)) if path else {}
    # The environment wins: only pass what no WARDAPP_AIMSTORE_* variable sets.
    in_env = {name.upper() for name in os.environ}
    underneath = {k: v for k, v in from_file.items() if f"{ENV_PREFIX}{k.upper()}" not in in_env}
    try:
        settings = AimStoreSettings(**underneath)  # type: ignore[arg-type]
        settings.policy()
        return settings
    except ValueError as exc:
        if not isinstance(exc, ValidationError):
            raise SettingsError(f"Invalid summary thresholds: {exc}.") from None
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise SettingsError(f"Invalid settings: {problems}.") from None
