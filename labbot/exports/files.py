"""A workbook in the format asked for, as a file attached to a reply; the metadata every export carries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from importlib import metadata as package_metadata

from slugify import slugify

from labbot.exports.csv_file import csv_bytes
from labbot.exports.tables import Workbook
from labbot.i18n import _, format_moment
from labbot.messages import Attachment


class FileFormat(StrEnum):
    """The formats an export may be asked in."""

    XLSX = "xlsx"
    ODS = "ods"
    CSV = "csv"
    PDF = "pdf"


MEDIA_TYPES = {
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.PDF: "application/pdf",
}


def labbot_version() -> str:
    """The installed labbot's version."""
    try:
        return package_metadata.version("labbot")
    except package_metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "dev"


def export_metadata(what: str, who: str, when: datetime, filters: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The metadata sheet's lines: what, who, when, which filters, which labbot."""
    lines = [
        (_("About"), ""),
        (_("Contents"), what),
        (_("Asked by"), who),
        (_("Made on"), format_moment(when)),
    ]
    lines += [(label, value) for label, value in filters]
    lines.append((_("labbot version"), labbot_version()))
    return lines


def file_name(*parts: str, extension: str) -> str:
    """`heures-bretagne-2016-06-10.xlsx`: lowercase ASCII words joined by dashes."""
    return slugify("-".join(p for p in parts if p))[:100] + "." + extension


def spreadsheet(book: Workbook, file_format: FileFormat, name: str) -> Attachment:
    """The workbook as xlsx, ods, or (its first sheet) csv."""
    # The writers are imported when used: openpyxl and odfdo would weigh on every process's memory.
    if file_format is FileFormat.XLSX:
        from labbot.exports.xlsx import xlsx_bytes  # noqa: PLC0415

        content = xlsx_bytes(book)
    elif file_format is FileFormat.ODS:
        from labbot.exports.ods import ods_bytes  # noqa: PLC0415

        content = ods_bytes(book)
    elif file_format is FileFormat.CSV:
        content = csv_bytes(book.sheets[0])
    else:
        raise ValueError(f"{file_format} is not a spreadsheet format")
    return Attachment(
        filename=file_name(name, extension=file_format.value),
        content=content,
        media_type=MEDIA_TYPES[file_format],
        description=book.title,
    )
