"""Translation and locale-aware formatting.

Message ids are English; `locale/<lang>.po` holds the other languages (French first). Catalogs are compiled
in memory at first use, so there is no build step. The active language is per request (a context variable),
so `_()` can be called anywhere below a `use_locale()` block.
"""

from __future__ import annotations

import contextvars
import gettext
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from babel.core import Locale
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from labbot.clock import PARIS

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT_LANGUAGE: Language = "fr"
# English readers here are European colleagues: day/month dates and the euro.
_BABEL_LOCALES: dict[Language, str] = {"fr": "fr_FR", "en": "en_GB"}

_current: contextvars.ContextVar[Language] = contextvars.ContextVar("labbot_language", default=DEFAULT_LANGUAGE)


def language_from_hint(hint: str | None) -> Language | None:
    """Map a platform locale such as `en-US` or `fr_FR` to a supported language, or None."""
    if not hint:
        return None
    prefix = hint.replace("_", "-").split("-")[0].lower()
    return next((language for language in LANGUAGES if language == prefix), None)


@cache
def _translations(language: Language) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    source = resources.files("labbot").joinpath("locale", f"{language}.po")
    with source.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def current_language() -> Language:
    """The language of the request being handled."""
    return _current.get()


@contextmanager
def use_locale(language: Language) -> Iterator[None]:
    """Translate and format in `language` inside the block."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by `n`."""
    return _translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


@cache
def _babel_locale(language: Language) -> Locale:
    return Locale.parse(_BABEL_LOCALES[language])


def babel_locale() -> Locale:
    """The Babel locale of the current language (parsed once per language, not at every number)."""
    return _babel_locale(current_language())


def format_money(amount: Decimal) -> str:
    """`12 345,50 €` in French, `€12,345.50` in English."""
    return format_currency(amount, "EUR", locale=babel_locale())


def format_cents(cents: int) -> str:
    """Format an amount held in integer cents."""
    return _cents_text(current_language(), cents)


# Babel took ~40 µs to format an amount, and a report shows hundreds. Its euro pattern and symbols of each
# language are read once here and applied to the integer cents (tests/test_i18n.py holds the result to
# format_currency's); a pattern of another shape (other grouping or digits) is left to format_currency itself.
@dataclass(frozen=True)
class _EuroPattern:
    prefixes: tuple[str, str]  # positive, negative
    suffixes: tuple[str, str]
    group: str
    decimal: str


@cache
def _euro_pattern(language: Language) -> _EuroPattern | None:
    locale = _babel_locale(language)
    pattern = locale.currency_formats["standard"]
    if pattern.grouping != (3, 3) or pattern.frac_prec != (2, 2):
        return None
    euro = locale.currency_symbols.get("EUR", "€")
    symbols = locale.number_symbols["latn"]
    prefixes = tuple(text.replace("¤", euro).replace("-", symbols["minusSign"]) for text in pattern.prefix)
    suffixes = tuple(text.replace("¤", euro).replace("-", symbols["minusSign"]) for text in pattern.suffix)
    return _EuroPattern(prefixes, suffixes, symbols["group"], symbols["decimal"])


@cache
def _group_separator(language: Language) -> str:
    return str(_babel_locale(language).number_symbols["latn"]["group"])


def _grouped(language: Language, whole: int) -> str:
    return f"{whole:,}".replace(",", _group_separator(language))


def _cents_text(language: Language, cents: int) -> str:
    pattern = _euro_pattern(language)
    if pattern is None:
        return format_currency(Decimal(cents) / 100, "EUR", locale=_babel_locale(language))
    negative = int(cents < 0)
    units, hundredths = divmod(abs(cents), 100)
    number = f"{_grouped(language, units)}{pattern.decimal}{hundredths:02d}"
    return f"{pattern.prefixes[negative]}{number}{pattern.suffixes[negative]}"


def format_number(value: Decimal | int, digits: int = 2) -> str:
    """A grouped number with at most `digits` decimals (`1 234,5`)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def format_percent(ratio: Decimal) -> str:
    """`82 %` in French, `82%` in English."""
    return format_decimal(ratio * 100, format="#,##0.#", locale=babel_locale()) + (
        "\u202f%" if current_language() == "fr" else "%"
    )


def or_list(words: Iterable[str]) -> str:
    """Alternatives as a sentence says them: `agent, mois ou projet`, `agent, month or project`."""
    return format_list(list(words), style="or", locale=babel_locale())


def format_day(day: date) -> str:
    """`02/06/2016` in both languages."""
    # Babel's dd/MM/yyyy, without its pattern machinery (lists of hours show a date per row).
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_moment(moment: datetime) -> str:
    """A date and time in Europe/Paris, `27/05/2016 09:30`."""
    # As Babel did: a naive time is UTC.
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PARIS)
    return f"{format_day(local)} {local.hour:02d}:{local.minute:02d}"


# Between a number and its unit: a narrow no-break space, as French typography wants (and never a line break).
_UNIT_SPACE = "\u202f"


def format_duration(minutes: int) -> str:
    """`3 h 30`, `3 h`, `45 min`, `1 234 h 05`: the one way every duration and total of hours is shown."""
    return _duration_text(current_language(), minutes)


@lru_cache(maxsize=4096)
def _duration_text(language: Language, minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}{_UNIT_SPACE}min"
    shown = f"{_grouped(language, hours)}{_UNIT_SPACE}h"
    return f"{shown}{_UNIT_SPACE}{rest:02d}" if rest else shown


def format_hours_total(minutes: int) -> str:
    """A total of hours, shown as every duration is (`9 h 15`, never `9,2 h`)."""
    return format_duration(minutes)
