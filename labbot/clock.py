"""Time: aware datetimes, UTC in storage, Europe/Paris for people."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Clock(Protocol):
    """Tells the time; tests pass a controllable one."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to (tests, scheduling simulations)."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        """Move forward by a `timedelta(**delta)`."""
        self.moment += timedelta(**delta)


def today_in_paris(clock: Clock) -> date:
    """The calendar day in Paris, which is what agents mean by "today"."""
    return clock.now().astimezone(PARIS).date()
