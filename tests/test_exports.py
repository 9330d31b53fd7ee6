"""Exports: files read back with independent readers (openpyxl, odfdo, csv), their figures against the chat's."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from odfdo import Document
from pypdf import PdfReader

from tests.conftest import Conversation, Said
from tests.filing_steps import file_and_start

CELL_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


def euros(amount: Decimal) -> str:
    """`14 270,50 €`, written here without labbot's formatting code."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",") + " €"


def exact(value: Any) -> Decimal:
    """A spreadsheet number as an exact decimal (a duration read back as a time span becomes minutes)."""
    if isinstance(value, timedelta):
        return Decimal(int(value.total_seconds()) // 60)
    return Decimal(str(value or 0))


def column_values(sheet: Any, reference: str) -> list[Decimal]:
    """The numbers of an `H2:H5` range of an openpyxl sheet."""
    match = CELL_RANGE.fullmatch(reference)
    assert match, reference
    letter, first, _letter, last = match.groups()
    return [exact(sheet[f"{letter}{row}"].value) for row in range(int(first), int(last) + 1)]


def evaluate(sheet: Any, formula: str) -> Decimal:
    """Compute the few formulas labbot writes (SUM, ROUND(SUMPRODUCT(…)/60,2), ROUND(SUM(…)/60,2)) from the
    cells read back; durations count in minutes, as the minutes columns do."""
    if found := re.fullmatch(r"=SUM\(([A-Z0-9:]+)\)", formula):
        return sum(column_values(sheet, found.group(1)), Decimal(0))
    if found := re.fullmatch(r"=ROUND\(SUMPRODUCT\(([A-Z0-9:]+),([A-Z0-9:]+)\)/60,2\)", formula):
        pairs = zip(column_values(sheet, found.group(1)), column_values(sheet, found.group(2)), strict=True)
        return (sum((a * b for a, b in pairs), Decimal(0)) / 60).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    if found := re.fullmatch(r"=ROUND\(SUM\(([A-Z0-9:]+)\)/60,2\)", formula):
        return (sum(column_values(sheet, found.group(1)), Decimal(0)) / 60).quantize(
            Decimal("0.01"), "ROUND_HALF_UP"
        )
    raise AssertionError(f"unexpected formula {formula}")


def only_file(bot: Conversation, said: Said, suffix: str) -> Path:
    assert said.ok, said.text
    [path] = bot.saved_files(said)
    assert path.suffix == suffix
    return path


def rows_of(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def running(lab: Conversation) -> Conversation:
    """Project #1 under way since 02/01/2017; bruno's three 1-minute entries make Σ of rounded rows (1,74 €)
    differ from the value rounded once (1,75 €)."""
    lab.ok("alice", 'heures 1 4h date:02/06/2016 activite:"Atelier usagers"')
    for day in ("06/06/2016", "07/06/2016", "08/06/2016"):
        lab.ok("bruno", f"heures 1 1min date:{day}")
    lab.clock.advance(days=400)
    file_and_start(lab, filed="15/09/2016", decided="15/11/2016", start="02/01/2017")
    lab.ok("alice", "heures 1 10h date:03/01/2017")
    lab.ok("bruno", "heures 1 2h date:04/01/2017")
    lab.ok("claire", 'depense 1 "12 000" type:prestataire libelle:"Agence de design" date:15/01/2017')
    lab.ok("claire", "depense 1 1500,50 type:materiel libelle:Mobilier date:20/12/2016")
    return lab


def test_hours_as_xlsx_total_formulas_match_the_chat_to_the_cent(running: Conversation) -> None:
    chat = running.ok("claire", "rapport 1")
    assert euros(Decimal("771.75")) in chat  # 200 + 1,75 + 500 + 70
    path = only_file(running, running.ok("claire", "export heures 1"), ".xlsx")
    book = openpyxl.load_workbook(path)
    entries = book.worksheets[0]
    assert entries.freeze_panes == "A2"
    rows = rows_of(entries)
    assert rows[0][:3] == ("N°", "Date", "Agent")
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 6
    assert body[0][1] == datetime(2016, 6, 2)  # noqa: DTZ001 - a real date (spreadsheets keep no zone), not text
    assert body[0][2:5] == ("alice", "DREAL Bretagne", "A")
    assert entries["B2"].number_format == "dd/mm/yyyy"
    assert "€" in entries["K2"].number_format
    assert sum(exact(row[10]) for row in body) == Decimal("771.74")  # rows rounded one by one…
    value = evaluate(entries, str(total[10]))
    assert value == Decimal("771.75")  # …the total formula rounds once, like the chat
    assert euros(value) in chat
    assert evaluate(entries, str(total[8])) == 16 * 60 + 3
    by_month = {row[0]: row for row in rows_of(book["Par mois"])}
    assert evaluate(book["Par mois"], str(by_month["Total"][3])) == Decimal("771.75")
    about = dict(row[:2] for row in rows_of(book.worksheets[-1]))
    assert about["Demandé par"] == "claire"
    assert about["Version de labbot"]


def test_budget_statement_as_xlsx_matches_budget(running: Conversation) -> None:
    chat = running.ok("claire", "budget 1")
    path = only_file(running, running.ok("claire", "export budget 1 format:xlsx"), ".xlsx")
    book = openpyxl.load_workbook(path)
    summary = book.worksheets[0]
    rows = rows_of(summary)
    assert rows[0][0].startswith("État récapitulatif des dépenses")
    total_row = next(row for row in rows if row[0] == "Total de la période")
    total = evaluate(summary, str(total_row[1]))
    assert total == Decimal("14272.25")  # 771,75 € of time + 13 500,50 € of costs
    assert euros(total) in chat
    assert any(str(row[0]).startswith("Certifié exact") for row in rows)
    funding = {row[0]: exact(row[1]) for row in rows_of(book.worksheets[1])[1:]}
    for label, amount in funding.items():
        assert euros(amount) in chat, label
    assert funding["Part du PIA"] == Decimal("6285.00")
    assert (funding["PIA accordé"], funding["PIA restant"]) == (Decimal(50000), Decimal("43715.00"))
    assert funding["Prévu — prestataire"] == Decimal(40000)
    time = book.worksheets[2]
    time_total = rows_of(time)[-1]
    assert euros(evaluate(time, str(time_total[5]))) in chat  # valued time: 771,75 €
    costs = rows_of(book.worksheets[3])
    assert [row[4] for row in costs[1:-1]] == ["hors", "dans"]  # 20/12/2016 before the window, 15/01/2017 in


def test_budget_statement_is_a_signed_pdf_by_default(running: Conversation) -> None:
    chat = running.ok("claire", "budget 1")
    path = only_file(running, running.ok("claire", "export budget 1"), ".pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("\u202f", " ")
    text = text.replace("\u00a0", " ")
    assert "État récapitulatif des dépenses — #1 Lab Bretagne" in text
    for amount in ("14 272,25 €", "771,75 €", "500 000,00 €", "6 285,00 €", "12 000,00 €", "1 500,50 €"):
        assert amount in text
        assert amount in chat
    assert "Certifié exact par le coordinateur, claire." in text
    assert "Le coordinateur" in text


def test_sign_in_sheet_lists_registered_then_waiting(lab: Conversation) -> None:
    lab.ok("sgmap", "evenement decouverte places:1")
    lab.ok("alice", "inscription decouverte")
    lab.ok("bruno", "inscription decouverte")
    path = only_file(lab, lab.ok("claire", "export inscrits decouverte format:pdf"), ".pdf")
    text = PdfReader(path).pages[0].extract_text()
    assert "Feuille d'émargement" in text
    assert text.index("alice") < text.index("Liste d'attente") < text.index("bruno")


def test_hours_as_ods_carry_formulas_and_their_values(running: Conversation) -> None:
    path = only_file(running, running.ok("claire", "export heures 1 format:ods"), ".ods")
    table = Document(str(path)).body.get_tables()[0]
    last = table.get_rows()[-1]
    value = last.get_cell(10)
    assert value.formula == "of:=ROUND(SUMPRODUCT([.I2:.I7];[.J2:.J7])/60;2)"
    assert Decimal(str(value.value)) == Decimal("771.75")
    first = table.get_rows()[1]
    assert first.get_cell(1).value == date(2016, 6, 2)
    assert first.get_cell(10).type == "currency"


def test_hours_as_csv_follow_the_open_data_conventions(running: Conversation) -> None:
    path = only_file(
        running, running.ok("claire", "export heures region:bretagne format:csv du:01/01/2017"), ".csv"
    )
    text = path.read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["date"] for row in rows] == ["2017-01-03", "2017-01-04"]
    assert rows[0]["taux_horaire_euros"] == "50.00"
    assert rows[1]["valeur_euros"] == "70.00"
    assert "Total" not in text


def test_lists_attendees_partners_projects(lab: Conversation) -> None:
    running = lab
    running.ok("alice", "inscription decouverte")
    running.ok("bruno", "inscription decouverte")
    path = only_file(running, running.ok("claire", "export inscrits decouverte"), ".xlsx")
    rows = rows_of(openpyxl.load_workbook(path).worksheets[0])[1:]
    assert [(row[0], row[4]) for row in rows] == [("alice", "inscrit"), ("bruno", "inscrit")]
    assert isinstance(rows[0][5], datetime)
    running.ok("alice", 'reunion 1 partenaire:"CAF du Finistère" categorie:usagers date:01/06/2016 duree:1h30')
    path = only_file(running, running.ok("bruno", "export partenaires 1 format:csv"), ".csv")
    [meeting] = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert (meeting["partenaire"], meeting["date"], meeting["duree_minutes"]) == (
        "CAF du Finistère",
        "2016-06-01",
        "90",
    )
    path = only_file(running, running.ok("alice", "export projets region:bretagne"), ".xlsx")
    [project] = rows_of(openpyxl.load_workbook(path).worksheets[0])[1:]
    assert project[:2] == (1, "Lab Bretagne")


def test_english_headers_for_an_english_speaker(running: Conversation) -> None:
    path = only_file(running, running.ok("claire", "export hours 1", lang="en"), ".xlsx")
    header = rows_of(openpyxl.load_workbook(path).worksheets[0])[0]
    assert header[:3] == ("N°", "Date", "Agent")
    assert "Hourly rate" in header


@pytest.mark.parametrize(
    ("user", "command", "expected"),
    [
        ("claire", "export bidule 1", "heures, budget, inscrits, partenaires, projets"),
        ("claire", "export heures 1 format:pdf", "xlsx, ods, csv"),
        ("claire", "export budget 1 format:csv", "pdf, xlsx, ods"),
        ("claire", "export heures 1 format:docx", "xlsx, ods, csv, pdf"),
        ("claire", "export heures 1 du:02/02/2017 au:01/01/2017", "au"),
        ("alice", "export heures 1", "coordinateurs"),
        ("alice", "export budget 1", "coordinateurs"),
        ("alice", "export inscrits camp", "coordinateurs"),
        ("claire", "export budget", "projet"),
    ],
)
def test_refusals_name_the_choices(running: Conversation, user: str, command: str, expected: str) -> None:
    said = running.say(user, command)
    assert not said.ok
    assert expected in said
    assert running.saved_files(said) == []
