"""Working days in France: automatic reminders never go out on a weekend or a public holiday."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays


@cache
def _french_holidays(year: int) -> holidays.HolidayBase:
    # Imported on first use: holidays (~3.5 MiB) is for reminders, which one-shot commands never compute.
    import holidays  # noqa: PLC0415

    return holidays.country_holidays("FR", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a French public holiday."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the one before."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def reminder_day(nominal: date, *, before: date | None = None) -> date:
    """The day a reminder planned for `nominal` goes out: the next working day, unless that is not before
    `before` (the event itself), in which case the previous working day, so that J-1 still comes ahead."""
    moved = next_working_day(nominal)
    if before is not None and moved >= before and nominal < before:
        return previous_working_day(nominal)
    return moved
