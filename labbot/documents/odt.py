"""An OpenDocument text writer (odfdo) with the same calls as `labbot.documents.pdf.PdfDocument`.

The .odt is the office format of French administrations (RGI): a region edits it in LibreOffice or Word
before signing. Like the PDF writer it takes already-translated, already-formatted text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from odfdo import Cell, Document, Element, Header, List, ListItem, Paragraph, Row, Span, Style, Table

from labbot.documents import Signature, fields_as_table

_TEXT_WIDTH_CM = 17.0
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ODF attributes that odfdo's Style has no keyword for.
_BIG: dict[str, Any] = {"fo:font-size": "20pt"}
_CENTRE: dict[str, Any] = {"fo:text-align": "center"}
_END: dict[str, Any] = {"fo:text-align": "end"}
_STYLES = (
    Style("text", name="LbTitleText", area="text", bold=True, **_BIG),
    Style("paragraph", name="LbCentre", area="paragraph", **_CENTRE),
    Style("paragraph", name="LbBold", area="text", bold=True),
    Style("paragraph", name="LbRight", area="paragraph", **_END),
    Style("paragraph", name="LbBreak", area="paragraph", break_before="page"),
    Style("text", name="LbDraft", area="text", bold=True, color="#b40000"),
    Style("table-cell", name="LbCell", border="0.5pt solid #000000", padding="0.08cm"),
    Style(
        "table-cell", name="LbHeadCell", border="0.5pt solid #000000", padding="0.08cm", background_color="#e6eaf0"
    ),
    Style("table-cell", name="LbSignCell", border="0.5pt solid #000000", padding="0.2cm"),
)
_BOLD_TEXT = Style("text", name="LbBoldText", area="text", bold=True)


class OdtDocument:
    """An A4 text document written top to bottom: cover, headings, paragraphs, tables, signatures."""

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
        """Same arguments as `PdfDocument`; `draft_label` marks the start of the document and its title."""
        self._document = Document("text")
        self._body = self._document.body
        self._body.clear()
        for style in (*_STYLES, _BOLD_TEXT):
            # Each document gets its own copy: inserting moves an element into the document's tree.
            self._document.insert_style(style.clone, automatic=True)
        self._tables = 0
        self._draft_label = draft_label
        meta = self._document.meta
        meta.title = f"{draft_label} — {title}" if draft_label else title
        meta.initial_creator = author or "labbot"
        meta.creation_date = (created or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
        meta.language = language
        if draft_label:
            self._body.append(_paragraph(draft_label, style="LbCentre", span_style="LbDraft"))
        del footer  # the page footer belongs to the office suite's page style; the title is in the metadata

    def cover(self, title: str, lines: Sequence[str] = (), *, subtitle: str = "") -> None:
        """A title page: the title, an optional subtitle, then one line per fact."""
        for _blank in range(6):
            self._body.append(Paragraph(""))
        self._body.append(_paragraph(title, style="LbCentre", span_style="LbBoldText", big=True))
        if subtitle:
            self._body.append(Paragraph(subtitle, style="LbCentre"))
        self._body.append(Paragraph(""))
        for line in lines:
            self._body.append(Paragraph(line, style="LbCentre"))
        self.page_break()

    def heading(self, text: str, level: int = 1) -> None:
        """A section title (a real outline heading, so the office suite builds a table of contents)."""
        heading = Header(level, text)
        # odfdo's Header ignores its `style` argument: set the template's heading style by hand.
        heading.set_attribute("text:style-name", f"Heading_20_{min(level, 3)}")
        self._body.append(heading)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        """Running text; blank lines in `text` separate paragraphs."""
        for part in text.split("\n\n"):
            self._body.append(Paragraph(part, style="LbBold" if bold else "Text_20_body"))

    def bullets(self, items: Iterable[str]) -> None:
        """A bulleted list."""
        listing = List()
        for item in items:
            listing.append(ListItem(item))
        self._body.append(listing)

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
        """A ruled table over the text width, as `PdfDocument.table`; the header row repeats on every page."""
        weights = list(widths) if widths else [1.0] * len(columns)
        if len(weights) != len(columns):
            raise ValueError("one width per column")
        self._tables += 1
        name = f"Tableau{self._tables}"
        right = set(numeric)
        scale = _TEXT_WIDTH_CM / sum(weights)
        parts = [f'<table:table table:name="{name}">']
        for index, weight in enumerate(weights):
            style = Style("table-column", name=f"{name}.C{index}", width=f"{weight * scale:.2f}cm")
            self._document.insert_style(style, automatic=True)
            parts.append(f'<table:table-column table:style-name="{style.name}"/>')
        if header:
            parts += [
                "<table:table-header-rows>",
                _row_xml(columns, right, head=True),
                "</table:table-header-rows>",
            ]
        parts += [_row_xml(cells, right, bold_first=bold_first) for cells in rows]
        if total is not None:
            parts.append(_row_xml(total, right, head=True))
        parts.append("</table:table>")
        # One parse for the whole table: building it cell by cell through odfdo's elements is ~10× slower.
        self._body.append(Element.from_tag("".join(parts)))
        self._body.append(Paragraph(""))

    def signatures(self, blocks: Sequence[Signature], *, date_label: str = "", place_label: str = "") -> None:
        """Side-by-side boxes to sign in, each with its role, a name, and date/place lines when labelled."""
        self._tables += 1
        table = Table(f"Signatures{self._tables}")
        row = Row()
        for block in blocks:
            cell = Cell(style="LbSignCell")
            cell.append(Paragraph(block.role, style="LbBold"))
            if block.name:
                cell.append(Paragraph(block.name))
            for label in (place_label, date_label):
                if label:
                    cell.append(Paragraph(f"{label} :"))
            for _blank in range(4):
                cell.append(Paragraph(""))
            row.append(cell)
        table.append(row)
        self._body.append(table)

    def page_break(self) -> None:
        """Start a new page."""
        self._body.append(Paragraph("", style="LbBreak"))

    def to_bytes(self) -> bytes:
        """The finished .odt file."""
        buffer = io.BytesIO()
        self._document.save(buffer)
        return buffer.getvalue()


def _paragraph(text: str, *, style: str, span_style: str, big: bool = False) -> Paragraph:
    paragraph = Paragraph(style=style)
    paragraph.append(Span(text, style="LbTitleText" if big else span_style))
    return paragraph


def _row_xml(cells: Sequence[str], right: set[int], *, head: bool = False, bold_first: bool = False) -> str:
    row = ["<table:table-row>"]
    for index, text in enumerate(cells):
        cell_style = "LbHeadCell" if head else "LbCell"
        bold = head or (bold_first and index == 0)
        style = "LbRight" if index in right else ("LbBold" if bold else "")
        attribute = f' text:style-name="{style}"' if style else ""
        paragraphs = "".join(f"<text:p{attribute}>{_xml_text(line)}</text:p>" for line in text.split("\n"))
        cell = f'<table:table-cell table:style-name="{cell_style}" office:value-type="string">'
        row.append(f"{cell}{paragraphs}</table:table-cell>")
    row.append("</table:table-row>")
    return "".join(row)


def _xml_text(text: str) -> str:
    """`text` escaped for XML, without the control characters XML 1.0 cannot hold."""
    return escape(_CONTROL.sub("", text))
