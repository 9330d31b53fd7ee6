"""The .xlsx rows labbot writes as XML itself, read back by openpyxl and by a bare zip + lxml reader: typed
values, formats, escaping of hostile text, never a formula from a text, totals with their values (and the
same hostile texts in an ods file)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
from lxml import etree
from odfdo import Document

from labbot.clock import PARIS
from labbot.exports.ods import ods_bytes
from labbot.exports.tables import Cell, Column, Kind, Sheet, Total, TotalKind, Workbook
from labbot.exports.xlsx import xlsx_bytes

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HOSTILE = [
    "&<>\"'",
    '=HYPERLINK("http://evil","x")',
    "=1+1",
    "+SUM(A1:A2)",
    "a\x00b\x07c\x1fd",
    "tab\there\nnew line",
    "  spaced  ",
    "émoji 🚀 — “quotes”",
    "]]></t></is></c></row>",
]
COLUMNS = [
    Column("N°", "numero", Kind.INTEGER, 8),
    Column("Date", "date", Kind.DATE, 12),
    Column("Texte", "texte", Kind.TEXT, 40),
    Column("Durée", "duree", Kind.MINUTES, 10),
    Column("Minutes", "minutes", Kind.INTEGER, 9),
    Column("Taux", "taux", Kind.CENTS, 12),
    Column("Quand", "quand", Kind.MOMENT, 16),
    Column("Libre", "libre", Kind.TEXT, 14),
]
MOMENT = datetime(2017, 1, 3, 8, 30, tzinfo=PARIS)


def body() -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for i, text in enumerate(HOSTILE, 1):
        free: Cell = [None, 7, date(2016, 6, 2), MOMENT, "", "x"][i % 6]
        rows.append([i, date(2016, 6, i), text, 61 * i, 61 * i, 5001 - 2 * i, MOMENT, free])
    rows.append([99, date(1970, 1, 1), "négatif", 1, 1, -150, MOMENT, None])
    return rows


def workbook() -> Workbook:
    total = Total(
        "Total", {3: TotalKind.SUM, 4: TotalKind.SUM, 5: TotalKind.VALUE}, minutes_column=4, rate_column=5
    )
    sheet = Sheet("Heures", COLUMNS, iter(body()), total, heading=["=titre & <cie>"], footer=["Signé\x01 =A1"])
    return Workbook("=Export", [sheet], [("À propos", ""), ("Demandé par", "=claire")])


def expected_value(column: Column, value: Cell) -> Any:  # noqa: PLR0911 - one return per type
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.translate(dict.fromkeys([0, 7, 0x1F]))
    if column.kind is Kind.CENTS:
        return Decimal(value) / 100  # type: ignore[arg-type]
    if column.kind is Kind.MINUTES:
        return timedelta(minutes=value)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        return value.astimezone(PARIS).replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    return value


def test_openpyxl_reads_back_every_typed_value_and_hostile_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(workbook())))
    sheet = book["Heures"]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["C"].width == 40
    assert sheet["A1"].value == "=titre & <cie>"
    assert sheet["A1"].data_type == "s"
    assert [c.value for c in sheet[2]] == [c.title for c in COLUMNS]
    rows = body()
    for number, row in enumerate(rows, 3):
        for column, value, cell in zip(COLUMNS, row, sheet[number], strict=True):
            got = Decimal(str(cell.value)) if column.kind is Kind.CENTS and cell.value is not None else cell.value
            if isinstance(got, timedelta):
                got = timedelta(minutes=round(got.total_seconds() / 60))
            assert got == expected_value(column, value), (cell.coordinate, value)
            if isinstance(value, str) and value:
                assert cell.data_type == "s", cell.coordinate  # never a formula
    assert sheet["B3"].number_format == "dd/mm/yyyy"
    assert sheet["D3"].number_format == "[h]:mm"
    assert "€" in sheet["F3"].number_format
    assert sheet["G3"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["H4"].number_format == "yyyy-mm-dd"  # a date or time in a free column still reads as one
    assert sheet["H5"].number_format == "yyyy-mm-dd h:mm:ss"
    total = len(rows) + 3
    assert sheet[f"C{total}"].value == "Total"
    assert sheet[f"C{total}"].font.bold
    assert sheet[f"F{total}"].value == f"=ROUND(SUMPRODUCT(E3:E{total - 1},F3:F{total - 1})/60,2)"
    assert sheet[f"D{total}"].value == f"=SUM(D3:D{total - 1})"
    assert sheet[f"A{total + 2}"].value == "Signé =A1"
    about = book.worksheets[-1]
    assert (about["A1"].value, about["B3"].value) == ("=Export", "=claire")
    assert about["B3"].data_type == "s"


def test_a_bare_xml_reader_sees_the_same_cells_and_the_totals_values() -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(workbook()))) as archive:
        assert archive.testzip() is None
        styles = etree.fromstring(archive.read("xl/styles.xml"))
        formats = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter(f"{MAIN}numFmt")}
        style_formats = [formats.get(int(xf.get("numFmtId"))) for xf in styles.find(f"{MAIN}cellXfs")]
        root = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # a parse error fails here
    cells = {c.get("r"): c for c in root.iter(f"{MAIN}c")}
    rows = body()
    for number, row in enumerate(rows, 3):
        for letter, value in zip("ABCDEFGH", row, strict=True):
            cell = cells.get(f"{letter}{number}")
            if value is None or value == "":
                assert cell is None
                continue
            assert cell is not None
            assert cell.find(f"{MAIN}f") is None
            if isinstance(value, str):
                assert cell.get("t") == "inlineStr"
                assert "".join(cell.itertext()) == expected_value(COLUMNS[2], value)
            else:
                assert cell.get("t") is None
    assert cells["F3"].findtext(f"{MAIN}v") == "49.99"
    assert cells[f"F{len(rows) + 2}"].findtext(f"{MAIN}v") == "-1.50"
    assert style_formats[int(cells["B3"].get("s"))] == "dd/mm/yyyy"
    assert cells["B3"].findtext(f"{MAIN}v") == str((date(2016, 6, 1) - date(1899, 12, 30)).days)
    assert cells["D3"].findtext(f"{MAIN}v") == repr(61 / 1440)
    total = len(rows) + 3
    minutes = [61 * i for i in range(1, len(HOSTILE) + 1)] + [1]
    rates = [5001 - 2 * i for i in range(1, len(HOSTILE) + 1)] + [-150]
    cents = (sum(m * r for m, r in zip(minutes, rates, strict=True)) * 2 + 60) // 120
    value = cells[f"F{total}"]
    assert value.findtext(f"{MAIN}f") == f"ROUND(SUMPRODUCT(E3:E{total - 1},F3:F{total - 1})/60,2)"
    assert Decimal(value.findtext(f"{MAIN}v")) == Decimal(cents) / 100
    assert cells[f"E{total}"].findtext(f"{MAIN}v") == str(sum(minutes))
    pane = root.find(f".//{MAIN}pane")
    assert pane is not None
    assert (pane.get("topLeftCell"), pane.get("state")) == ("A3", "frozen")


def test_the_ods_file_of_the_same_hostile_texts_is_readable() -> None:
    document = Document(io.BytesIO(ods_bytes(workbook())))
    table = document.body.get_tables()[0]
    texts = [row.get_cell(2).value for row in table.get_rows()[2 : 2 + len(HOSTILE)]]
    assert texts == [expected_value(COLUMNS[2], text) for text in HOSTILE]
