"""Configuration: a TOML file validated by pydantic, with the database URL overridable from the environment.

Resolution order: `--config PATH`, else `$LABBOT_CONFIG`, else `./config.toml` if present, else the built-in
defaults (SQLite file `./labbot.db`, the call's three events). Adapters validate their own sections
(`[slack]`, `[mattermost]`, …) with `Settings.section()`; secrets never live in the file.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from labbot.clock import PARIS

Category = Literal["A+", "A", "B", "C"]
SectionModel = TypeVar("SectionModel", bound=BaseModel)


class ConfigError(Exception):
    """A configuration problem, worded for the admin who edits the file."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Section):
    """`[database]`."""

    url: str = "sqlite:///labbot.db"


class RoleSettings(_Section):
    """`[roles]`: who is an administrator from the start, as `platform:user-id`."""

    admins: list[str] = Field(default_factory=lambda: ["console:sgmap"])

    @field_validator("admins")
    @classmethod
    def _platform_prefixed(cls, admins: list[str]) -> list[str]:
        for admin in admins:
            platform, _, user = admin.partition(":")
            if platform not in ("console", "slack", "mattermost") or not user:
                raise ValueError(
                    f'{admin!r} should look like "console:sgmap", "slack:U0123ABCD" or "mattermost:<id>"'
                )
        return admins


# Loaded hourly costs of State agents by category (salary and charges), in € per hour; adjust in config.
DEFAULT_HOURLY_RATES: dict[Category, Decimal] = {
    "A+": Decimal(75),
    "A": Decimal(50),
    "B": Decimal(35),
    "C": Decimal(28),
}


class ValuationSettings(_Section):
    """`[valuation]`: the hourly cost used to value agents' time, per civil-service category."""

    default_category: Category = "A"
    hourly_rates: dict[Category, Decimal] = Field(default_factory=lambda: dict(DEFAULT_HOURLY_RATES))

    @model_validator(mode="after")
    def _every_category_priced(self) -> ValuationSettings:
        missing = [c for c in ("A+", "A", "B", "C") if c not in self.hourly_rates]
        if missing:
            raise ValueError(
                f"hourly_rates lacks {', '.join(missing)} (give a rate in € per hour for A+, A, B and C)"
            )
        if any(rate <= 0 for rate in self.hourly_rates.values()):
            raise ValueError("hourly_rates must all be positive amounts in € per hour")
        return self

    def rate_cents(self, category: str | None) -> int:
        """The hourly rate of `category` (or the default one) in cents."""
        chosen = next((c for c in self.hourly_rates if c == category), self.default_category)
        return int(self.hourly_rates[chosen] * 100)


class BudgetSettings(_Section):
    """`[budget]`: the call's financial rules."""

    cap: Decimal = Field(default=Decimal(500_000), gt=0)
    pia_share: Decimal = Field(default=Decimal("0.5"), gt=0, le=1)
    pia_window_months: int = Field(default=18, gt=0, le=120)
    warn_ratio: Decimal = Field(default=Decimal("0.8"), gt=0, le=1)

    @property
    def cap_cents(self) -> int:
        """The cap in cents."""
        return int(self.cap * 100)


class EventSettings(_Section):
    """One `[[events]]` entry."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    title: str = Field(min_length=1, max_length=200)
    starts: datetime | date | None = None
    ends: datetime | date | None = None
    place: str = ""
    capacity: int = Field(gt=0, le=100_000)
    tentative: str = ""

    @model_validator(mode="after")
    def _dated_or_tentative(self) -> EventSettings:
        if self.starts is None and not self.tentative:
            raise ValueError(
                'give `starts` (e.g. 2016-09-06T09:30:00) or `tentative` (e.g. "début septembre 2016")'
            )
        if self.starts and self.ends and self.ends_at() < self.starts_at():  # type: ignore[operator]
            raise ValueError("`ends` is before `starts`")
        return self

    def starts_at(self) -> datetime | None:
        """The start in Paris time (a bare date starts at 09:00)."""
        return _paris(self.starts, time(9, 0))

    def ends_at(self) -> datetime | None:
        """The end in Paris time (a bare date ends at 18:00)."""
        return _paris(self.ends or self.starts, time(18, 0))


def _paris(value: datetime | date | None, default_time: time) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, default_time)
    return value if value.tzinfo else value.replace(tzinfo=PARIS)


def call_events() -> list[EventSettings]:
    """The call's three events (the regrouping day's date is still to be set)."""
    return [
        EventSettings(
            key="camp",
            title="Project camp",
            starts=datetime(2016, 5, 27, 9, 30, tzinfo=PARIS),
            ends=datetime(2016, 5, 27, 17, 30, tzinfo=PARIS),
            place="Paris",
            capacity=120,
        ),
        EventSettings(
            key="decouverte",
            title="Session découverte des laboratoires d'innovation",
            starts=date(2016, 7, 7),
            ends=date(2016, 7, 8),
            place="Paris",
            capacity=60,
        ),
        EventSettings(
            key="regroupement",
            title="Journée de regroupement des porteurs de projets",
            # The call gives no place yet: "lieu à préciser", never an invented one.
            place="",
            capacity=150,
            tentative="début septembre 2016",
        ),
    ]


class DeadlineSettings(_Section):
    """One `[[reminders.deadlines]]` entry: a date coordinators must not miss (filing, reporting)."""

    title: str = Field(min_length=1, max_length=200)
    on: date
    region: str | None = None  # None: every region's coordinators
    days_before: list[int] = Field(default_factory=lambda: [7, 1])

    @field_validator("days_before")
    @classmethod
    def _positive_days(cls, days: list[int]) -> list[int]:
        if not days or any(day < 0 or day > 365 for day in days):
            raise ValueError("days_before lists days between 0 and 365, e.g. [7, 1]")
        return days


class ReminderSettings(_Section):
    """`[reminders]`: when automatic reminders go out (Paris time; weekends and French holidays are skipped)."""

    enabled: bool = True
    hour: int = Field(default=9, ge=0, le=23)  # event and deadline reminders
    event_days_before: list[int] = Field(default_factory=lambda: [7, 1])
    nudge_weekday: int = Field(default=4, ge=0, le=6)  # 0 = Monday … 4 = Friday
    nudge_hour: int = Field(default=14, ge=0, le=23)
    digest_weekday: int = Field(default=0, ge=0, le=6)
    digest_hour: int = Field(default=8, ge=0, le=23)
    deadlines: list[DeadlineSettings] = Field(default_factory=list)


class PlatformLimits(_Section):
    """How fast the outbox may post on one platform."""

    per_channel_per_second: float | None = Field(default=None, gt=0)
    per_second: float | None = Field(default=None, gt=0)
    burst: int = Field(default=1, ge=1)


class OutboxSettings(_Section):
    """`[outbox]`: delivery pacing, retries and concurrency; `[scheduler]` grace times."""

    concurrency: int = Field(default=8, ge=1, le=64)
    max_attempts: int = Field(default=8, ge=1, le=50)
    backoff_seconds: float = Field(default=2.0, gt=0)
    backoff_max_seconds: float = Field(default=600.0, gt=0)
    poll_seconds: float = Field(default=1.0, gt=0)
    # Send a little under the platform's limit, so network jitter never makes two posts arrive too close.
    safety_margin: float = Field(default=0.03, ge=0, lt=0.5)
    limits: dict[str, PlatformLimits] = Field(
        default_factory=lambda: {
            "slack": PlatformLimits(per_channel_per_second=1.0),
            "mattermost": PlatformLimits(per_second=10.0, burst=10),
        }
    )


class SchedulerSettings(_Section):
    """`[scheduler]`: how late a missed run may still fire after downtime, and leader election."""

    reminder_grace_minutes: int = Field(default=60, ge=1)
    announcement_grace_minutes: int = Field(default=24 * 60, ge=1)
    leader_check_seconds: float = Field(default=1.0, gt=0, le=30)


class SupportSettings(_Section):
    """`[support]`: where SGMAP's support team hears of new questions, and when stalled requests are reminded."""

    # The support channel's id on each platform (`slack = "C0123ABCD"`, `mattermost = "<26 characters>"`).
    channel: dict[Literal["slack", "mattermost", "console"], str] = Field(default_factory=dict)
    # A support request that has not moved for this many working days is reminded to the administrators.
    reminder_days: int = Field(default=3, ge=1, le=60)


class RetentionSettings(_Section):
    """`[retention]`: how long records that need not stay forever are kept, in days (None: kept)."""

    requests_days: int = Field(default=30, ge=1)  # replies kept so a platform's retry is not redone
    deliveries_days: int = Field(default=180, ge=1)  # settled outbox deliveries and their messages
    audit_days: int | None = Field(default=None, ge=1)  # the audit trail: kept unless set
    hour: int = Field(default=3, ge=0, le=23)  # when the daily purge runs (Paris time)
    batch: int = Field(default=1000, ge=1, le=100_000)  # rows deleted per transaction


class Settings(BaseModel):
    """The whole configuration. Unknown top-level tables are kept for the adapters to validate."""

    model_config = ConfigDict(extra="allow", frozen=True)

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    roles: RoleSettings = Field(default_factory=RoleSettings)
    valuation: ValuationSettings = Field(default_factory=ValuationSettings)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    events: list[EventSettings] = Field(default_factory=call_events)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    support: SupportSettings = Field(default_factory=SupportSettings)
    source: str = "built-in defaults"

    @field_validator("events")
    @classmethod
    def _unique_keys(cls, events: list[EventSettings]) -> list[EventSettings]:
        keys = [event.key for event in events]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"event keys must be unique; repeated: {', '.join(duplicates)}")
        return events

    def section(self, name: str, model: type[SectionModel]) -> SectionModel | None:
        """Validate the `[name]` table with `model`, or None when the table is absent."""
        raw = (self.model_extra or {}).get(name)
        if raw is None:
            return None
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            raise ConfigError(describe_errors(error, prefix=name, source=self.source)) from None


def describe_errors(error: ValidationError, *, prefix: str = "", source: str) -> str:
    """One line: each problem's key path, what is wrong and what was given, separated by semicolons."""
    problems = []
    for problem in error.errors():
        path = ".".join(str(part) for part in (prefix, *problem["loc"]) if part != "")
        given = problem.get("input")
        shown = "" if isinstance(given, dict) or problem["type"] == "missing" else f" (got {given!r})"
        problems.append(f"{path or '(top level)'}: {problem['msg']}{shown}")
    return f"Invalid configuration in {source}: " + "; ".join(problems)


def find_config_file(explicit: str | None) -> Path | None:
    """The config file to read, following the resolution order, or None for built-in defaults."""
    if explicit:
        return Path(explicit)
    if env_path := os.environ.get("LABBOT_CONFIG"):
        return Path(env_path)
    local = Path("config.toml")
    return local if local.is_file() else None


def load_settings(explicit: str | None = None) -> Settings:
    """Read and validate the configuration; raise ConfigError with a readable message."""
    path = find_config_file(explicit)
    raw: dict[str, Any] = {}
    source = "built-in defaults"
    if path is not None:
        source = str(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"Configuration file not found: {path}") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path} is not valid TOML: {error}") from None
    if database_url := os.environ.get("LABBOT_DATABASE_URL"):
        raw["database"] = {**raw.get("database", {}), "url": database_url}
    try:
        return Settings.model_validate({**raw, "source": source})
    except ValidationError as error:
        raise ConfigError(describe_errors(error, source=source)) from None
