"""A small PDF writer for the documents labbot produces (dossier, statements, sign-in sheets).

Neutral on purpose: it takes already-translated, already-formatted text and knows nothing of projects or
money. Built on fpdf2 with DejaVu Sans embedded (subset), so any French or European text prints without a
system font. Tables are drawn row by row with plain text calls rather than fpdf2's `table()`, which is
several times slower on a few hundred rows.

The same content and the same `created` moment give the same bytes: frozen dossier versions rely on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labbot.documents import Signature, fields_as_table

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["PdfDocument", "Signature", "printable", "text_width"]

_FONT = "DejaVu"
_FONTS_DIR = resources.files("labbot").joinpath("documents", "fonts")
_MARGIN = 18.0  # mm
_BODY_SIZE = 10.0  # pt
_TABLE_SIZE = 8.5
_PADDING = 1.2  # mm inside table cells
_PT_TO_MM = 25.4 / 72
_HEADING_SIZES = {1: 15.0, 2: 12.5, 3: 11.0}
# Chat marks that DejaVu Sans lacks, drawn with the nearest glyph it has.
_SUBSTITUTES = str.maketrans({"✅": "✓", "❌": "✗", "\ufe0f": None, "🟢": "●", "🔴": "●", "🟠": "●"})
_DRAFT_GREY = (200, 200, 200)
_HEADER_FILL = (230, 234, 240)
_TOTAL_FILL = (245, 245, 245)


def printable(text: str) -> str:
    """The text with chat emoji replaced by glyphs the embedded font has."""
    return text.translate(_SUBSTITUTES)


@cache
def _canvas_class() -> Any:
    """fpdf2 with labbot's running header (draft mark) and footer (title, page n / N). Built on first use:
    importing fpdf2 brings ~70 MiB (fontTools, numpy, Pillow) that a process making no PDF should not carry."""
    from fpdf import FPDF  # noqa: PLC0415

    class _Canvas(FPDF):
        """fpdf2 with labbot's running header (draft mark) and footer (document title, page n / N)."""

        def __init__(self, footer_text: str, draft_label: str | None) -> None:
            super().__init__(orientation="portrait", unit="mm", format="A4")
            self.footer_text = footer_text
            self.draft_label = draft_label

        def header(self) -> None:
            if not self.draft_label:
                return
            # A large diagonal mark no reader can miss, drawn first so the page's text prints over it.
            self.set_font(_FONT, "B", 60)
            self.set_text_color(*_DRAFT_GREY)
            width = self.get_string_width(self.draft_label)
            centre_x, centre_y = self.w / 2, self.h / 2
            with self.rotation(45, centre_x, centre_y):
                self.text(centre_x - width / 2, centre_y, self.draft_label)
            self.set_font(_FONT, "B", 9)
            self.set_text_color(180, 0, 0)
            self.set_xy(_MARGIN, 8)
            self.cell(self.w - 2 * _MARGIN, 5, self.draft_label, align="R")
            self.set_text_color(0, 0, 0)
            self.set_xy(_MARGIN, _MARGIN)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FONT, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(self.w - 2 * _MARGIN - 25, 5, self.footer_text, align="L")
            self.cell(25, 5, f"{self.page_no()} / {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    return _Canvas


class PdfDocument:
    """An A4 document written top to bottom: cover, headings, paragraphs, tables, signatures."""

    def __init__(
        self,
        *,
        title: str,
        author: str = "",
        created: datetime | None = None,
        draft_label: str | None = None,
        footer: str | None = None,
        language: str = "fr",
    ) -> None:
        """`draft_label` (e.g. "BROUILLON"), when given, marks every page; `created` fixes the metadata date."""
        self._pdf: FPDF = _canvas_class()(printable(footer if footer is not None else title), draft_label)
        pdf = self._pdf
        pdf.add_font(_FONT, "", _font_path("DejaVuSans.ttf"))
        pdf.add_font(_FONT, "B", _font_path("DejaVuSans-Bold.ttf"))
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_title(printable(title))
        pdf.set_author(printable(author))
        pdf.set_creator("labbot")
        pdf.set_lang(language)
        pdf.set_creation_date((created or datetime.now(UTC)).astimezone(UTC))
        pdf.add_page()
        pdf.set_font(_FONT, "", _BODY_SIZE)

    @property
    def _width(self) -> float:
        return float(self._pdf.w - 2 * _MARGIN)

    def cover(self, title: str, lines: Sequence[str] = (), *, subtitle: str = "") -> None:
        """A title page: the title, an optional subtitle, then one line per fact (region, lead, date…)."""
        pdf = self._pdf
        pdf.set_y(70)
        pdf.set_font(_FONT, "B", 22)
        pdf.multi_cell(self._width, 10, printable(title), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            pdf.ln(4)
            pdf.set_font(_FONT, "", 14)
            pdf.multi_cell(self._width, 7, printable(subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(12)
        pdf.set_font(_FONT, "", 11)
        for line in lines:
            pdf.multi_cell(self._width, 6.5, printable(line), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.add_page()
        pdf.set_font(_FONT, "", _BODY_SIZE)

    def heading(self, text: str, level: int = 1) -> None:
        """A section title; a level-1 heading near the page's foot moves to the next page."""
        pdf = self._pdf
        size = _HEADING_SIZES.get(level, _HEADING_SIZES[3])
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.ln(4 if level == 1 else 2)
        pdf.set_font(_FONT, "B", size)
        pdf.multi_cell(self._width, size * 0.55, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        pdf.set_font(_FONT, "", _BODY_SIZE)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        """Running text, wrapped to the page; blank lines in `text` separate paragraphs."""
        pdf = self._pdf
        pdf.set_font(_FONT, "B" if bold else "", _BODY_SIZE)
        pdf.multi_cell(self._width, 5, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        pdf.set_font(_FONT, "", _BODY_SIZE)

    def bullets(self, items: Iterable[str]) -> None:
        """A bulleted list."""
        pdf = self._pdf
        for item in items:
            pdf.set_x(_MARGIN + 3)
            pdf.multi_cell(self._width - 3, 5, "• " + printable(item), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Label/value lines (label in bold), as on a card."""
        fields_as_table(self, pairs)

    def table(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        numeric: Iterable[int] = (),
        total: Sequence[str] | None = None,
        header: bool = True,
        bold_first: bool = False,
    ) -> None:
        """A ruled table over the text width.

        `widths` are relative weights (default: equal); `numeric` columns are right-aligned; `total` is a
        last row printed in bold on a shaded band. The header row repeats on every page the table spans.
        """
        weights = list(widths) if widths else [1.0] * len(columns)
        if len(weights) != len(columns):
            raise ValueError("one width per column")
        scale = self._width / sum(weights)
        writer = _TableWriter(self._pdf, [w * scale for w in weights], set(numeric))
        heading = [printable(c) for c in columns] if header else None
        if heading:
            writer.row(heading, bold=True, fill=_HEADER_FILL)
        for row in rows:
            writer.row([printable(c) for c in row], bold_first=bold_first, repeat=heading)
        if total is not None:
            writer.row([printable(c) for c in total], bold=True, fill=_TOTAL_FILL, repeat=heading)
        self._pdf.ln(3)

    def signatures(self, blocks: Sequence[Signature], *, date_label: str = "", place_label: str = "") -> None:
        """Side-by-side boxes to sign in, each with its role, a name, and date/place lines when labelled."""
        pdf = self._pdf
        box_height = 42.0
        if pdf.get_y() + box_height + 6 > pdf.h - 20:
            pdf.add_page()
        gap = 6.0
        count = max(len(blocks), 1)
        box_width = (self._width - gap * (count - 1)) / count
        top = pdf.get_y() + 2
        for index, block in enumerate(blocks):
            left = _MARGIN + index * (box_width + gap)
            pdf.rect(left, top, box_width, box_height)
            pdf.set_xy(left + 2, top + 2)
            pdf.set_font(_FONT, "B", _BODY_SIZE)
            pdf.multi_cell(box_width - 4, 5, align="L", text=printable(block.role), new_x="LEFT", new_y="NEXT")
            pdf.set_font(_FONT, "", _BODY_SIZE)
            if block.name:
                pdf.multi_cell(box_width - 4, 5, align="L", text=printable(block.name), new_x="LEFT", new_y="NEXT")
            for label in (place_label, date_label):
                if label:
                    pdf.multi_cell(
                        box_width - 4, 5, align="L", text=printable(label) + " :", new_x="LEFT", new_y="NEXT"
                    )
        pdf.set_xy(_MARGIN, top + box_height + 4)

    def page_break(self) -> None:
        """Start a new page."""
        self._pdf.add_page()
        self._pdf.set_font(_FONT, "", _BODY_SIZE)

    def to_bytes(self) -> bytes:
        """The finished PDF file."""
        return bytes(self._pdf.output())


class _TableWriter:
    """Draws rows cell by cell: wraps with the font's widths, breaks pages and repeats the header."""

    def __init__(self, pdf: FPDF, widths: list[float], numeric: set[int]) -> None:
        self.pdf = pdf
        self.widths = widths
        self.numeric = numeric
        self.line_height = _TABLE_SIZE * _PT_TO_MM * 1.25

    def row(
        self,
        cells: Sequence[str],
        *,
        bold: bool = False,
        bold_first: bool = False,
        fill: tuple[int, int, int] | None = None,
        repeat: Sequence[str] | None = None,
    ) -> None:
        pdf = self.pdf
        styles = ["B" if bold or (bold_first and i == 0) else "" for i in range(len(self.widths))]
        wrapped = []
        for index, width in enumerate(self.widths):
            pdf.set_font(_FONT, styles[index], _TABLE_SIZE)
            text = cells[index] if index < len(cells) else ""
            wrapped.append(_wrap(pdf, text, width - 2 * _PADDING))
        height = max(len(lines) for lines in wrapped) * self.line_height + 2 * _PADDING
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if repeat is not None:
                self.row(repeat, bold=True, fill=_HEADER_FILL)
        top = pdf.get_y()
        left = float(pdf.l_margin)
        ascent = _TABLE_SIZE * _PT_TO_MM * 0.8
        for index, width in enumerate(self.widths):
            pdf.set_font(_FONT, styles[index], _TABLE_SIZE)
            if fill:
                pdf.set_fill_color(*fill)
                pdf.rect(left, top, width, height, style="DF")
            else:
                pdf.rect(left, top, width, height)
            baseline = top + _PADDING + ascent
            for line in wrapped[index]:
                x = left + width - _PADDING - text_width(pdf, line) if index in self.numeric else left + _PADDING
                if line:
                    pdf.text(x, baseline, line)
                baseline += self.line_height
            left += width
        pdf.set_xy(pdf.l_margin, top + height)


def text_width(pdf: FPDF, text: str) -> float:
    """The width of `text` (mm) in the current font, from its glyph widths: fpdf2's `get_string_width` does
    bidirectional and style work per call that plain table text never needs, at ~50× the cost."""
    from fpdf.fonts import TTFFont  # noqa: PLC0415 - loaded with fpdf2 by the time a PDF is written

    font = pdf.current_font
    if not isinstance(font, TTFFont):
        return float(pdf.get_string_width(text))
    widths: Mapping[int, float] = font.cw
    return sum(widths[ord(c)] for c in text) * pdf.font_size_pt * 0.001 / pdf.k


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break `text` into lines no wider than `width` (mm) in the current font; long words are cut."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if text_width(pdf, candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while text_width(pdf, current) > width and len(current) > 1:
                cut = _fitting_prefix(pdf, current, width)
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines or [""]


def _fitting_prefix(pdf: FPDF, word: str, width: float) -> int:
    """How many leading characters of `word` fit in `width` (at least one, so wrapping always advances)."""
    count = 1
    while count < len(word) and text_width(pdf, word[: count + 1]) <= width:
        count += 1
    return count


def _font_path(name: str) -> Path:
    return Path(str(_FONTS_DIR.joinpath(name)))
