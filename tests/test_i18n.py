"""Every message the code can show has a French translation with the same placeholders."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from labbot.i18n import format_day, format_money, use_locale

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def code_messages() -> set[str]:
    """Message ids marked in the code (`_`, `N_`, `ngettext`)."""
    found: set[str] = set()
    for package in ("labbot", "commands", "adapters"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords={"_": None, "N_": None, "ngettext": (1, 2)}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def french_catalog() -> dict[str, object]:
    with resources.files("labbot").joinpath("locale", "fr.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")
    return {
        str(message.id if isinstance(message.id, str) else message.id[0]): message
        for message in catalog
        if message.id
    }


def test_every_message_has_a_french_translation_with_the_same_placeholders() -> None:
    catalog = french_catalog()
    missing, broken = [], []
    for message_id in sorted(code_messages()):
        entry = catalog.get(message_id)
        strings = getattr(entry, "string", None)
        translations = [strings] if isinstance(strings, str) else list(strings or [])
        if entry is None or not all(translations) or getattr(entry, "fuzzy", False):
            missing.append(message_id)
            continue
        expected = set(PLACEHOLDER.findall(message_id))
        if any(set(PLACEHOLDER.findall(t)) != expected for t in translations):
            broken.append(message_id)
    assert not missing, f"untranslated: {missing}"
    assert not broken, f"placeholders differ: {broken}"


def test_french_and_english_formats() -> None:
    with use_locale("fr"):
        assert format_money(Decimal("12345.5")).replace("\u202f", " ").replace("\u00a0", " ") == "12 345,50 €"
        assert format_day(date(2016, 6, 2)) == "02/06/2016"
    with use_locale("en"):
        assert format_money(Decimal("12345.5")) == "€12,345.50"
        assert format_day(date(2016, 6, 2)) == "02/06/2016"
