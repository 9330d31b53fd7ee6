"""Translation and locale-aware formatting.

Message ids are English; `locale/<lang>.po` holds the other languages (French first). Catalogs are compiled
in memory at first use, so there is no build step. The active language is per request (a context variable),
so `_()` can be called anywhere below a `use_locale()` block.
"""

from __future__ import annotations

import contextvars
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from babel.core import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
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


# A report shows the same few amounts and durations again and again: Babel formats each once per language.
@lru_cache(maxsize=4096)
def _cents_text(language: Language, cents: int) -> str:
    return format_currency(Decimal(cents) / 100, "EUR", locale=_babel_locale(language))


def format_number(value: Decimal | int, digits: int = 2) -> str:
    """A grouped number with at most `digits` decimals (`1 234,5`)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def format_percent(ratio: Decimal) -> str:
    """`82 %` in French, `82%` in English."""
    return format_decimal(ratio * 100, format="#,##0.#", locale=babel_locale()) + (
        "\u202f%" if current_language() == "fr" else "%"
    )


def format_day(day: date) -> str:
    """`02/06/2016` in both languages."""
    return babel_format_date(day, format="dd/MM/yyyy", locale=babel_locale())


def format_moment(moment: datetime) -> str:
    """A date and time in Europe/Paris, `27/05/2016 09:30`."""
    return babel_format_datetime(moment, format="dd/MM/yyyy HH:mm", tzinfo=PARIS, locale=babel_locale())


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
    grouped = format_decimal(hours, format="#,##0", locale=_babel_locale(language))
    shown = f"{grouped}{_UNIT_SPACE}h"
    return f"{shown}{_UNIT_SPACE}{rest:02d}" if rest else shown


def format_hours_total(minutes: int) -> str:
    """A total of hours, shown as every duration is (`9 h 15`, never `9,2 h`)."""
    return format_duration(minutes)
