"""Tables as CSV for machines, by the French open-data conventions (Etalab): UTF-8, comma separator, dot
decimal, ISO 8601 dates, one header row of stable column names, no total row."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from labbot.clock import PARIS
from labbot.exports.tables import Cell, Kind, Sheet


def csv_value(kind: Kind, value: Cell) -> str:
    """One field: euros with a dot and two decimals, hours as a decimal, ISO dates and times."""
    if value is None:
        return ""
    if kind is Kind.CENTS and isinstance(value, int):
        return f"{Decimal(value) / 100:.2f}"
    if kind is Kind.MINUTES and isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(PARIS).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet's rows as CSV (its heading, total and footer are for people and stay out)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in sheet.columns])
    kinds = [column.kind for column in sheet.columns]
    for row in sheet.rows:
        writer.writerow([csv_value(kind, value) for kind, value in zip(kinds, row, strict=True)])
    return buffer.getvalue().encode("utf-8")
