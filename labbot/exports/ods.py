"""Workbooks as OpenDocument spreadsheets (.ods), with odfdo.

odfdo keeps the whole document in memory and builds a cell in ~0.25 ms, so each table is parsed from its XML
text in one go (55 000 entries would still take ~400 MiB): ods exports stop at `MAX_ODS_ROWS` rows and
larger ones are offered as xlsx or csv.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from labbot.exports.tables import (
    MAX_ODS_ROWS,
    Cell,
    Column,
    Kind,
    RunningTotal,
    Sheet,
    TooManyRows,
    Workbook,
    clean_text,
    sheet_name,
    spreadsheet_value,
    total_formula,
)

_STYLES = (
    # Data styles: euros with two decimals and grouping, dd/mm/yyyy, [h]:mm durations.
    '<number:currency-style style:name="n-euros"><number:number number:decimal-places="2" '
    'number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text>'
    '<number:currency-symbol number:language="fr" number:country="FR">€</number:currency-symbol>'
    "</number:currency-style>",
    '<number:date-style style:name="n-date"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
    "</number:date-style>",
    '<number:date-style style:name="n-moment"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
    '<number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>',
    '<number:time-style style:name="n-duration" number:truncate-on-overflow="false">'
    '<number:hours/><number:text>:</number:text><number:minutes number:style="long"/></number:time-style>',
    '<style:style style:name="c-euros" style:family="table-cell" style:data-style-name="n-euros"/>',
    '<style:style style:name="c-date" style:family="table-cell" style:data-style-name="n-date"/>',
    '<style:style style:name="c-moment" style:family="table-cell" style:data-style-name="n-moment"/>',
    '<style:style style:name="c-duration" style:family="table-cell" style:data-style-name="n-duration"/>',
    '<style:style style:name="c-bold" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>',
)
_CELL_STYLE = {Kind.CENTS: "c-euros", Kind.DATE: "c-date", Kind.MOMENT: "c-moment", Kind.MINUTES: "c-duration"}


def ods_bytes(book: Workbook) -> bytes:
    """The workbook as an .ods file; raises TooManyRows past MAX_ODS_ROWS rows in a sheet."""
    # Imported here: odfdo (and lxml) would add ~30 MiB to every process that never writes an ods file.
    from odfdo import Document, Element  # noqa: PLC0415

    document = Document("spreadsheet")
    document.body.clear()
    for style in _STYLES:
        document.insert_style(style, automatic=True)
    widths: set[int] = set()
    for sheet in book.sheets:
        widths.update(column.width for column in sheet.columns)
        document.body.append(Element.from_tag(_table_xml(sheet)))
    about = [[_text(book.title, bold=True)], *[[_text(k), _text(v)] for k, v in book.metadata]]
    name = book.metadata[0][0] if book.metadata else "About"
    document.body.append(Element.from_tag(_wrap(name, [28, 60], about)))
    for width in sorted(widths | {28, 60}):
        document.insert_style(
            f'<style:style style:name="w{width}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width * 0.2:.2f}cm"/></style:style>',
            automatic=True,
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table_xml(sheet: Sheet) -> str:
    rows = [[_text(line, bold=True)] for line in sheet.heading]
    rows.append([_text(column.title, bold=True) for column in sheet.columns])
    header_row = len(rows)
    count = 0
    running = RunningTotal(sheet.total) if sheet.total is not None else None
    for row in sheet.rows:
        count += 1
        if count > MAX_ODS_ROWS:
            raise TooManyRows(sheet.name)
        rows.append(_row(sheet.columns, row))
        if running is not None:
            running.add(row)
    if sheet.total is not None and running is not None and count:
        cells = ["<table:table-cell/>"] * len(sheet.columns)
        label_index = next((i for i, c in enumerate(sheet.columns) if c.kind is Kind.TEXT), 0)
        cells[label_index] = _text(sheet.total.label, bold=True)
        for index in sheet.total.sums:
            formula = total_formula(sheet.total, index, header_row + 1, header_row + count, ods=True)
            # The value computed here is stored too: a reader that does not recalculate shows the right total.
            cell = _cell(sheet.columns[index].kind, running.value(index))
            cells[index] = cell.replace(
                "<table:table-cell ", f"<table:table-cell table:formula={quoteattr(formula)} ", 1
            )
        rows.append(cells)
    for line in sheet.footer:
        rows.extend([[], [_text(line)]])
    return _wrap(sheet.name, [column.width for column in sheet.columns], rows)


def _wrap(name: str, widths: Sequence[int], rows: list[list[str]]) -> str:
    columns = "".join(f'<table:table-column table:style-name="w{width}"/>' for width in widths)
    body = "".join(f"<table:table-row>{''.join(cells)}</table:table-row>" for cells in rows)
    return f"<table:table table:name={quoteattr(sheet_name(name))}>{columns}{body}</table:table>"


def _text(value: str, *, bold: bool = False) -> str:
    style = ' table:style-name="c-bold"' if bold else ""
    text = escape(clean_text(value))
    return f'<table:table-cell office:value-type="string"{style}><text:p>{text}</text:p></table:table-cell>'


def _row(columns: Sequence[Column], row: Sequence[Cell]) -> list[str]:
    return [_cell(column.kind, value) for column, value in zip(columns, row, strict=True)]


def _cell(kind: Kind, value: Cell) -> str:  # noqa: PLR0911 - one return per cell type
    converted = spreadsheet_value(kind, value)
    if converted is None:
        return "<table:table-cell/>"
    if kind is Kind.CENTS and isinstance(converted, Decimal):
        return (
            f'<table:table-cell table:style-name="c-euros" office:value-type="currency" office:currency="EUR" '
            f'office:value="{converted}"><text:p>{converted}</text:p></table:table-cell>'
        )
    if kind is Kind.MINUTES and isinstance(value, int):
        hours, minutes = divmod(value, 60)
        return (
            f'<table:table-cell table:style-name="c-duration" office:value-type="time" '
            f'office:time-value="PT{hours}H{minutes}M0S"><text:p>{hours}:{minutes:02d}</text:p></table:table-cell>'
        )
    if isinstance(converted, datetime):
        return (
            f'<table:table-cell table:style-name="c-moment" office:value-type="date" '
            f'office:date-value="{converted.isoformat(timespec="seconds")}"><text:p>'
            f"{converted:%d/%m/%Y %H:%M}</text:p></table:table-cell>"
        )
    if isinstance(converted, date):
        return (
            f'<table:table-cell table:style-name="c-date" office:value-type="date" '
            f'office:date-value="{converted.isoformat()}"><text:p>{converted:%d/%m/%Y}</text:p></table:table-cell>'
        )
    if isinstance(converted, int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{converted}"><text:p>{converted}</text:p>'
            "</table:table-cell>"
        )
    return _text(str(converted))
