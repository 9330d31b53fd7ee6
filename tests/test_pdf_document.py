"""The PDF writer, read back with pypdf (an independent reader): text, tables, draft mark, fonts, sameness."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from labbot.documents.pdf import PdfDocument, Signature

CREATED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _reader(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(content))


def _pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in _reader(content).pages]


def _sample(draft: str | None = None, rows: int = 3) -> bytes:
    document = PdfDocument(title="Dossier — Lab Bretagne", created=CREATED, draft_label=draft)
    document.cover("Lab’Ouest & Agglo", ["Région : Bretagne", "Porteur : Éloïse Müller"], subtitle="Candidature")
    document.heading("Plan de financement")
    document.paragraph("Œuvre « commune » à 50 % : déjà ça.")
    document.bullets(["Méthodes ouvertes", "Évaluation"])
    document.table(
        ["Libellé", "Nature", "Montant"],
        [[f"Ligne {n}", "matériel", f"{n * 1_000} €"] for n in range(1, rows + 1)],
        widths=[3, 1, 1],
        numeric=[2],
        total=["Total", "", "6 000 €"],
    )
    document.fields([("Objectif", "✅ écrit"), ("Gouvernance", "❌ manquante")])
    document.signatures(
        [Signature("Le porteur", "Éloïse Müller"), Signature("Le préfet de région")],
        date_label="Date",
        place_label="Lieu",
    )
    return document.to_bytes()


def test_every_kind_of_block_reads_back_with_its_french_text() -> None:
    text = "\n".join(_pages_text(_sample()))
    for expected in (
        "Lab’Ouest & Agglo",
        "Région : Bretagne",
        "Éloïse Müller",
        "Candidature",
        "Plan de financement",
        "Œuvre « commune » à 50 % : déjà ça.",
        "Méthodes ouvertes",
        "Ligne 3",
        "3000 €",
        "6 000 €",
        "Le préfet de région",
        "Lieu :",
    ):
        assert expected in text, expected
    # Chat marks the font lacks come out as the nearest glyph it has, never as a blank box.
    assert "✓ écrit" in text
    assert "✗ manquante" in text


def test_metadata_carries_the_title_and_the_given_moment() -> None:
    metadata = _reader(_sample()).metadata
    assert metadata is not None
    assert metadata.title == "Dossier — Lab Bretagne"
    assert metadata.creation_date == CREATED


def test_the_draft_mark_is_on_every_page_and_only_when_asked() -> None:
    drafts = _pages_text(_sample(draft="BROUILLON", rows=150))
    assert len(drafts) > 3
    assert all("BROUILLON" in page for page in drafts)
    assert not any("BROUILLON" in page for page in _pages_text(_sample(rows=150)))


def test_a_long_table_repeats_its_header_on_every_page_it_spans() -> None:
    pages = _pages_text(_sample(rows=150))
    with_rows = [page for page in pages if "Ligne " in page]
    assert len(with_rows) > 2
    assert all("Libellé" in page and "Montant" in page for page in with_rows)
    everything = "\n".join(pages)
    assert all(f"Ligne {n}\n" in everything or f"Ligne {n} " in everything for n in range(1, 151))


def _x_of(content: bytes, wanted: set[str]) -> dict[str, float]:
    found: dict[str, float] = {}

    def visit(text: str, _cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip() in wanted:
            found[text.strip()] = float(tm[4])

    for page in _reader(content).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_numeric_columns_are_right_aligned() -> None:
    document = PdfDocument(title="t", created=CREATED)
    document.table(["Nom", "Montant"], [["a", "1 €"], ["b", "123 456,78 €"]], numeric=[1])
    document.table(["Nom", "Montant"], [["c", "2 €"], ["d", "234 567,89 €"]])
    positions = _x_of(document.to_bytes(), {"1 €", "123 456,78 €", "2 €", "234 567,89 €"})
    # Right-aligned: the short figure starts further right; left-aligned: both start at the cell's edge.
    assert positions["1 €"] > positions["123 456,78 €"] + 20
    assert positions["2 €"] == pytest.approx(positions["234 567,89 €"])


def test_a_word_wider_than_its_cell_is_cut_not_lost() -> None:
    word = "Anticonstitutionnellement" * 6
    document = PdfDocument(title="t", created=CREATED)
    document.table(["A", "B", "C", "D"], [[word, "x", "y", "z"]])
    text = "".join(_pages_text(document.to_bytes())).replace("\n", "")
    assert word in text


def test_the_font_is_embedded_so_no_system_font_is_needed() -> None:
    reader = _reader(_sample())
    fonts = reader.pages[1]["/Resources"]["/Font"]
    for reference in fonts.values():
        font = reference.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        assert "DejaVu" in str(font["/BaseFont"])
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_same_content_and_moment_give_the_same_bytes() -> None:
    assert _sample(draft="BROUILLON") == _sample(draft="BROUILLON")
    later = PdfDocument(title="Dossier — Lab Bretagne", created=datetime(2027, 1, 1, tzinfo=UTC))
    assert later.to_bytes() != PdfDocument(title="Dossier — Lab Bretagne", created=CREATED).to_bytes()


def test_widths_must_match_the_columns() -> None:
    document = PdfDocument(title="t", created=CREATED)
    with pytest.raises(ValueError, match="one width per column"):
        document.table(["a", "b"], [["1", "2"]], widths=[1])
