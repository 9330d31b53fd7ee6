"""Workbooks as .xlsx, streamed: openpyxl's write-only mode keeps one row in memory, not the whole sheet."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from labbot.exports.tables import (
    Cell,
    Column,
    Kind,
    Sheet,
    Workbook,
    column_letter,
    sheet_name,
    spreadsheet_value,
    total_formula,
)

EUROS = '#,##0.00\\ "€"'
FORMATS = {
    Kind.DATE: "dd/mm/yyyy",
    Kind.MOMENT: "dd/mm/yyyy hh:mm",
    Kind.CENTS: EUROS,
    Kind.MINUTES: "[h]:mm",
    Kind.INTEGER: "0",
}
_BOLD = Font(bold=True)


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file."""
    workbook = OpenpyxlWorkbook(write_only=True)
    for sheet in book.sheets:
        _write_sheet(workbook, sheet)
    about = workbook.create_sheet(sheet_name(_metadata_title(book)))
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60
    about.append([_bold(about, book.title)])
    for label, value in book.metadata:
        about.append([label, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _metadata_title(book: Workbook) -> str:
    # The metadata sheet is last; its name is the first metadata label's language ("À propos" / "About").
    return book.metadata[0][0] if book.metadata else "About"


def _bold(sheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _BOLD
    return cell


def _write_sheet(workbook: OpenpyxlWorkbook, sheet: Sheet) -> None:
    target = workbook.create_sheet(sheet_name(sheet.name))
    for index, column in enumerate(sheet.columns):
        target.column_dimensions[column_letter(index)].width = column.width
    for line in sheet.heading:
        target.append([_bold(target, line)])
    header_row = len(sheet.heading) + 1
    # The header stays in view while scrolling.
    target.freeze_panes = f"A{header_row + 1}"
    target.append([_bold(target, column.title) for column in sheet.columns])
    count = 0
    styled = _column_cells(target, sheet.columns)
    for row in sheet.rows:
        target.append(_cells(styled, sheet.columns, row))
        count += 1
    if sheet.total is not None and count:
        first, last = header_row + 1, header_row + count
        cells: list[Any] = [None] * len(sheet.columns)
        label_index = next((i for i, c in enumerate(sheet.columns) if c.kind is Kind.TEXT), 0)
        cells[label_index] = _bold(target, sheet.total.label)
        for index in sheet.total.sums:
            cell = WriteOnlyCell(target, value=total_formula(sheet.total, index, first, last))
            cell.font = _BOLD
            if number_format := FORMATS.get(sheet.columns[index].kind):
                cell.number_format = number_format
            cells[index] = cell
        target.append(cells)
    for line in sheet.footer:
        target.append([])
        target.append([line])


def _column_cells(target: Any, columns: Sequence[Column]) -> list[WriteOnlyCell | None]:
    """One formatted cell per column, reused for every row: the write-only sheet serialises a row as soon as
    it is appended, so only the value changes, and the number format is set once instead of once a cell."""
    cells: list[WriteOnlyCell | None] = []
    for column in columns:
        number_format = FORMATS.get(column.kind)
        if number_format is None:
            cells.append(None)
            continue
        cell = WriteOnlyCell(target)
        cell.number_format = number_format
        cells.append(cell)
    return cells


def _cells(styled: Sequence[WriteOnlyCell | None], columns: Sequence[Column], row: Sequence[Cell]) -> list[Any]:
    out: list[Any] = []
    for cell, column, value in zip(styled, columns, row, strict=True):
        converted = spreadsheet_value(column.kind, value)
        if cell is None or converted is None:
            out.append(converted)
            continue
        cell.value = converted
        out.append(cell)
    return out
