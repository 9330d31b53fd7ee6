"""Every message the code can show has a French translation with the same placeholders."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date, format_datetime
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from labbot.clock import PARIS
from labbot.i18n import (
    LANGUAGES,
    format_cents,
    format_day,
    format_duration,
    format_moment,
    format_money,
    use_locale,
)

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


def test_amounts_durations_and_dates_are_written_as_babel_writes_them() -> None:
    """labbot applies Babel's patterns and symbols itself (Babel was a tenth of a report's time): the same text,
    to the character."""
    samples = random.Random(14)
    cents = [*range(-1_500, 1_500), *(samples.randrange(-(10**13), 10**13) for _ in range(3_000))]
    minutes = [*range(0, 1_500), *(samples.randrange(0, 10**9) for _ in range(1_000))]
    moments = [datetime(2016, 1, 1, tzinfo=UTC) + timedelta(minutes=samples.randrange(10**7)) for _ in range(500)]
    for language in LANGUAGES:
        locale = Locale.parse({"fr": "fr_FR", "en": "en_GB"}[language])
        with use_locale(language):
            for amount in cents:
                assert format_cents(amount) == format_currency(Decimal(amount) / 100, "EUR", locale=locale)
            for duration in minutes:
                hours, rest = divmod(duration, 60)
                grouped = format_decimal(hours, format="#,##0", locale=locale)
                unit = "\u202f"
                expected = (
                    f"{grouped}{unit}h" + (f"{unit}{rest:02d}" if rest else "") if hours else f"{rest}{unit}min"
                )
                assert format_duration(duration) == expected
            for moment in moments:
                day = moment.date()
                assert format_day(day) == format_date(day, format="dd/MM/yyyy", locale=locale)
                for shown in (moment, moment.replace(tzinfo=None), moment.astimezone(PARIS)):
                    babel = format_datetime(shown, format="dd/MM/yyyy HH:mm", tzinfo=PARIS, locale=locale)
                    assert format_moment(shown) == babel
