"""What an export holds, before any file format: sheets of typed columns, rows, and a total row.

Values stay exact until written: money in integer cents, durations in integer minutes. A total is a formula
the spreadsheet computes from the rows, never a number typed in beside them, and valued time is totalled as
Σ(minutes × rate) / 60 rounded once, as the chat does, not as the sum of rows rounded one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from labbot.clock import PARIS

Cell = str | int | date | datetime | None
# Characters XML 1.0 forbids (openpyxl's ILLEGAL_CHARACTERS_RE, plus lone surrogates and U+FFFE/U+FFFF): an
# xlsx or ods file holding one is unreadable, so they are dropped from every text.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# odfdo holds a whole document in memory (~400 MiB for 55 000 rows): ods files stop here (labbot.exports.ods).
MAX_ODS_ROWS = 10_000


class TooManyRows(Exception):
    """The export has more rows than an ods file is made for here."""


class Kind(StrEnum):
    """How a column's values are typed and shown."""

    TEXT = "text"
    INTEGER = "integer"
    DATE = "date"
    MOMENT = "moment"  # an aware datetime, shown in Paris time
    CENTS = "cents"  # integer cents, shown in euros
    MINUTES = "minutes"  # integer minutes, shown as [h]:mm


class TotalKind(StrEnum):
    """What a total cell computes from its column."""

    SUM = "sum"
    # ROUND(SUMPRODUCT(minutes, rate) / 60, 2): the value of the time, rounded once (needs `minutes`, `rate`).
    VALUE = "value"
    # ROUND(SUM(column) / 60, 2) over a column of exact minutes × rate: groups' value, rounded once.
    PRODUCTS = "products"


@dataclass(frozen=True)
class Column:
    """One column: its title for people, its name for machines (CSV header), its kind and width."""

    title: str
    name: str
    kind: Kind = Kind.TEXT
    width: int = 14


@dataclass(frozen=True)
class Total:
    """A total row under the rows: its label, and the formula of each totalled column (by index)."""

    label: str
    sums: dict[int, TotalKind]
    # For VALUE totals: the indexes of the minutes column and of the hourly rate column (in cents).
    minutes_column: int | None = None
    rate_column: int | None = None
    # For PRODUCTS totals: the index of the column of exact minutes × rate (in cents).
    products_column: int | None = None


@dataclass
class Sheet:
    """A named table; `rows` may be a generator streamed from the database (read once)."""

    name: str
    columns: list[Column]
    rows: Iterable[Sequence[Cell]]
    total: Total | None = None
    # Lines above the table (a statement's heading); a total row counts on rows below them.
    heading: list[str] = field(default_factory=list)
    # Lines under the table (a signature line).
    footer: list[str] = field(default_factory=list)


@dataclass
class Workbook:
    """Sheets plus a metadata sheet saying what the export is, who asked for it, when, with which filters."""

    title: str
    sheets: list[Sheet]
    metadata: list[tuple[str, str]]


def column_letter(index: int) -> str:
    """`0` → `A`, `26` → `AA`."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def total_formula(total: Total, column: int, first_row: int, last_row: int, *, ods: bool = False) -> str:
    """The formula of a total cell over rows `first_row`..`last_row` (1-based), in xlsx or ods syntax."""

    def cells(index: int) -> str:
        letter = column_letter(index)
        return f"[.{letter}{first_row}:.{letter}{last_row}]" if ods else f"{letter}{first_row}:{letter}{last_row}"

    separator = ";" if ods else ","
    prefix = "of:=" if ods else "="
    if total.sums[column] is TotalKind.SUM:
        return f"{prefix}SUM({cells(column)})"
    if total.sums[column] is TotalKind.PRODUCTS:
        if total.products_column is None:
            raise ValueError("a products total needs its column of minutes × rate")
        return f"{prefix}ROUND(SUM({cells(total.products_column)})/60{separator}2)"
    if total.minutes_column is None or total.rate_column is None:
        raise ValueError("a value total needs its minutes and rate columns")
    # Rates are written in euros: Σ(minutes × euros per hour) / 60 is the value in euros, rounded once.
    product = f"SUMPRODUCT({cells(total.minutes_column)}{separator}{cells(total.rate_column)})"
    return f"{prefix}ROUND({product}/60{separator}2)"


class RunningTotal:
    """The exact value of each total cell, summed while rows stream by (cents, minutes or counts)."""

    def __init__(self, total: Total) -> None:
        self.total = total
        self._sums = dict.fromkeys(total.sums, 0)

    def add(self, row: Sequence[Cell]) -> None:
        """Count one row."""
        for index, kind in self.total.sums.items():
            if (
                kind is TotalKind.VALUE
                and self.total.minutes_column is not None
                and self.total.rate_column is not None
            ):
                minutes, rate = row[self.total.minutes_column], row[self.total.rate_column]
                self._sums[index] += int(minutes or 0) * int(rate or 0)  # type: ignore[arg-type]
            elif kind is TotalKind.PRODUCTS and self.total.products_column is not None:
                self._sums[index] += int(row[self.total.products_column] or 0)  # type: ignore[arg-type]
            else:
                self._sums[index] += int(row[index] or 0)  # type: ignore[arg-type]

    def value(self, index: int) -> int:
        """The total of column `index`: a plain sum, or a value in cents rounded once (half up)."""
        if self.total.sums[index] is TotalKind.SUM:
            return self._sums[index]
        # Σ(minutes × cents per hour) / 60 → cents, half up: as labbot.storage.hours.value_of.
        return (self._sums[index] * 2 + 60) // 120


def clean_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return ILLEGAL_CHARACTERS.sub("", text)


def sheet_name(name: str) -> str:
    """A sheet name spreadsheets accept: at most 31 characters, none of `[]:*?/\\`."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name).strip("'")
    return cleaned[:31] or "Feuille"


def spreadsheet_value(kind: Kind, value: Cell) -> Any:
    """The value a spreadsheet cell holds: euros (exact decimals), days for durations, naive Paris times."""
    if value is None or value == "":
        return None
    if kind is Kind.CENTS and isinstance(value, int):
        return Decimal(value) / 100
    if kind is Kind.MINUTES and isinstance(value, int):
        return value / 1440  # spreadsheets count time in days
    if kind is Kind.MOMENT and isinstance(value, datetime):
        return value.astimezone(PARIS).replace(tzinfo=None)
    return value
