"""One Settings object for the whole API process, read from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]

# Values people copy from examples; a secret equal to one of these is refused.
_PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "password", "admin", "token", "xxx"}
_MIN_SECRET_LENGTH = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'madoguchi.db'}",
        validation_alias="DATABASE_URL",
    )
    rasa_url: str = Field(default="http://127.0.0.1:5005", validation_alias="RASA_URL")
    # Token of Rasa's HTTP API, used to read conversation transcripts for staff.
    rasa_auth_token: SecretStr | None = Field(default=None, validation_alias="RASA_AUTH_TOKEN")
    # Rasa calls the action server (POST /webhook) with ?token=<this> (bot/endpoints.yml): set,
    # nobody else can run actions (open cases, read a case's status as its owner). `make run`
    # creates one in var/action-token; unset (unit tests), the webhook is open.
    action_endpoint_token: SecretStr | None = Field(
        default=None, validation_alias="ACTION_ENDPOINT_TOKEN"
    )
    rasa_timeout_seconds: float = Field(default=20.0, validation_alias="RASA_TIMEOUT_SECONDS")
    # Bootstrap credential for the first administrator; no default on purpose.
    admin_token: SecretStr = Field(validation_alias="MADOGUCHI_ADMIN_TOKEN")
    city_dir: Path = Field(default=REPO_ROOT / "demo_city", validation_alias="MADOGUCHI_CITY_DIR")
    seed_demo_city: bool = Field(default=True, validation_alias="MADOGUCHI_SEED_DEMO_CITY")
    max_message_chars: int = Field(default=2000, validation_alias="MADOGUCHI_MAX_MESSAGE_CHARS")
    timezone: str = Field(default="Asia/Tokyo", validation_alias="MADOGUCHI_TIMEZONE")
    # Console cookies only over HTTPS; turn off only for plain-HTTP development on localhost.
    secure_cookies: bool = Field(default=False, validation_alias="MADOGUCHI_SECURE_COOKIES")
    token_ttl_hours: int = Field(default=10, ge=1, validation_alias="MADOGUCHI_TOKEN_TTL_HOURS")
    # Sites that may embed the chat widget (comma-separated origins; * allows any site: the
    # chat API uses no cookies, so a foreign page gains nothing a direct request would not).
    widget_origins: str = Field(default="*", validation_alias="MADOGUCHI_WIDGET_ORIGINS")
    # LINE Messaging API (api/channels/line). Without the secret and the token the channel is off.
    line_channel_secret: SecretStr | None = Field(
        default=None, validation_alias="LINE_CHANNEL_SECRET"
    )
    line_channel_access_token: SecretStr | None = Field(
        default=None, validation_alias="LINE_CHANNEL_ACCESS_TOKEN"
    )
    line_api_base_url: str = Field(
        default="https://api.line.me", validation_alias="LINE_API_BASE_URL"
    )
    # Message content (images) is served by a host of its own.
    line_data_api_base_url: str = Field(
        default="https://api-data.line.me", validation_alias="LINE_DATA_API_BASE_URL"
    )
    line_timeout_seconds: float = Field(default=10.0, validation_alias="LINE_TIMEOUT_SECONDS")
    # Largest image accepted from LINE and stored with a case (bytes).
    line_max_image_bytes: int = Field(
        default=10 * 1024 * 1024, validation_alias="LINE_MAX_IMAGE_BYTES"
    )
    # Open311 GeoReport v2 (api/open311): the jurisdiction_id clients may send (any, when
    # unset) and the posts per minute of a newly issued key.
    open311_jurisdiction_id: str | None = Field(
        default=None, validation_alias="MADOGUCHI_OPEN311_JURISDICTION_ID"
    )
    open311_requests_per_minute: int = Field(
        default=30, ge=1, validation_alias="MADOGUCHI_OPEN311_REQUESTS_PER_MINUTE"
    )
    # Places: open cases within this distance are "nearby" (FixMyStreet uses 250 m), and the
    # link that opens a point in the city's usual map service ({lat} and {lon} are replaced).
    nearby_radius_m: float = Field(
        default=250.0, gt=0, validation_alias="MADOGUCHI_NEARBY_RADIUS_M"
    )
    map_url_template: str = Field(
        default="https://maps.gsi.go.jp/#18/{lat}/{lon}/",
        validation_alias="MADOGUCHI_MAP_URL_TEMPLATE",
    )

    # The outbox (api/outbox): messages to citizens are tried this many times, waiting
    # backoff, 2 × backoff, 4 × backoff … between tries; a try holds its row for the lease
    # (longer than a channel's timeout, so two dispatchers never send the same row at once);
    # every API process looks for due retries every poll interval.
    outbox_max_attempts: int = Field(
        default=8, ge=1, validation_alias="MADOGUCHI_OUTBOX_MAX_ATTEMPTS"
    )
    outbox_backoff_seconds: float = Field(
        default=10.0, gt=0, validation_alias="MADOGUCHI_OUTBOX_BACKOFF_SECONDS"
    )
    outbox_lease_seconds: float = Field(
        default=60.0, gt=0, validation_alias="MADOGUCHI_OUTBOX_LEASE_SECONDS"
    )
    outbox_poll_seconds: float = Field(
        default=5.0, gt=0, validation_alias="MADOGUCHI_OUTBOX_POLL_SECONDS"
    )

    # A citizen's wording of an FAQ entry (a choice among the offered entries, or 役に立った)
    # is used by the search once this many different conversations confirmed it.
    learn_min_conversations: int = Field(
        default=2, ge=1, validation_alias="MADOGUCHI_LEARN_MIN_CONVERSATIONS"
    )

    # Rasa's tracker store (bot/endpoints.yml reads the same variable): the privacy purge
    # deletes and masks conversations there too. Unset: only the API database is purged.
    tracker_store_url: str | None = Field(default=None, validation_alias="TRACKER_STORE_URL")
    # Retention policy (days), applied by `madoguchi privacy purge` (safe to run daily).
    retain_conversation_days: int = Field(
        default=90, ge=1, validation_alias="MADOGUCHI_RETAIN_CONVERSATION_DAYS"
    )
    retain_closed_case_contact_days: int = Field(
        default=365, ge=1, validation_alias="MADOGUCHI_RETAIN_CLOSED_CASE_CONTACT_DAYS"
    )
    retain_line_inbox_days: int = Field(
        default=7, ge=1, validation_alias="MADOGUCHI_RETAIN_LINE_INBOX_DAYS"
    )
    retain_event_stream_days: int = Field(
        default=30, ge=1, validation_alias="MADOGUCHI_RETAIN_EVENT_STREAM_DAYS"
    )
    # What citizens typed is masked in Rasa's tracker once this old (the case holds the contact).
    mask_tracker_after_hours: int = Field(
        default=24, ge=1, validation_alias="MADOGUCHI_MASK_TRACKER_AFTER_HOURS"
    )

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        if self.outbox_lease_seconds <= self.line_timeout_seconds:
            raise ValueError(
                "MADOGUCHI_OUTBOX_LEASE_SECONDS must be longer than LINE_TIMEOUT_SECONDS "
                f"({self.line_timeout_seconds:g}): a send still waiting on LINE when its lease "
                "ends would be sent again by another dispatcher"
            )
        return self

    @field_validator("admin_token")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret.strip().lower() in _PLACEHOLDER_SECRETS or len(secret) < _MIN_SECRET_LENGTH:
            raise ValueError(
                f"MADOGUCHI_ADMIN_TOKEN must be a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters (for example: openssl rand -hex 24)"
            )
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment


async def settings_dependency() -> Settings:
    """`get_settings` for FastAPI's `Depends`: a coroutine, because FastAPI runs a plain
    function dependency in the thread pool, a hop per request (each Rasa action's)."""
    return get_settings()
