"""Files labbot writes for people: PDF (`pdf.PdfDocument`) and OpenDocument text (`odt.OdtDocument`).

Both take the same calls, described by `Document`, so one function writes a dossier into either. Import the
writers where a file is made, not at start: fpdf2 alone brings ~70 MiB (fontTools, numpy, Pillow) that
every other command would carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Signature:
    """One box of a signature block: who signs (a role) and, when known, their name."""

    role: str
    name: str = ""


class Document(Protocol):
    """What a document writer offers: blocks written top to bottom, then the file's bytes."""

    def cover(self, title: str, lines: Sequence[str] = (), *, subtitle: str = "") -> None: ...

    def heading(self, text: str, level: int = 1) -> None: ...

    def paragraph(self, text: str, *, bold: bool = False) -> None: ...

    def bullets(self, items: Iterable[str]) -> None: ...

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None: ...

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
    ) -> None: ...

    def signatures(self, blocks: Sequence[Signature], *, date_label: str = "", place_label: str = "") -> None: ...

    def page_break(self) -> None: ...

    def to_bytes(self) -> bytes: ...


def fields_as_table(document: Document, pairs: Sequence[tuple[str, str]]) -> None:
    """Label/value lines (label in bold), as on a card: a borderless two-column table, in either writer."""
    rows = [[label, value] for label, value in pairs]
    document.table(["", ""], rows, widths=[1, 2.2], header=False, bold_first=True)
