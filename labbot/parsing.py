"""Parsers for what people type: command lines, durations, dates, amounts, months.

Each parser raises `InvalidInput` with a translated message and an example, so a bad value never reaches
storage. They are pure functions, property-tested in tests/test_parsing.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from labbot.errors import InvalidInput
from labbot.i18n import _, format_money

MAX_MINUTES_PER_DAY = 24 * 60
_OPENING_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“", "'": "'", "‘": "’", "”": "”"}
_KEY = re.compile(r"([A-Za-zÀ-ÿ_-]+):")
_SPACES = " \t\u00a0\u202f"
# `slack:U0123` names a user, and `https://…` is a link: neither is a `key:value` option.
_USER_PREFIXES = {"console", "slack", "mattermost"}


@dataclass
class CommandLine:
    """A command line split into positional words and `key:value` options."""

    positionals: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read a quoted value whose opening quote is at `start`; return it and the index after the closer."""
    closer = _OPENING_QUOTES[text[start]]
    end = text.find(closer, start + 1)
    if end < 0:
        raise InvalidInput(
            _("A quote is not closed: {quote}…").format(quote=text[start : start + 20]),
            hint=_('Put values with spaces between quotes: titre:"Lab Bretagne"'),
        )
    return text[start + 1 : end].strip(_SPACES), end + 1


def _read_word(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text) and text[end] not in _SPACES:
        end += 1
    return text[start:end], end


def tokenize(text: str) -> CommandLine:
    """Split `text` into positionals and options; values with spaces go in quotes (straight, curly, «»)."""
    line = CommandLine()
    i = 0
    while i < len(text):
        if text[i] in _SPACES:
            i += 1
            continue
        key_match = _KEY.match(text, i)
        if (
            key_match
            and key_match.group(1).lower() not in _USER_PREFIXES
            and text[key_match.end() : key_match.end() + 2] != "//"
        ):
            key = key_match.group(1).lower()
            i = key_match.end()
            if i < len(text) and text[i] in _OPENING_QUOTES:
                value, i = _read_quoted(text, i)
            else:
                value, i = _read_word(text, i)
            if key in line.options:
                raise InvalidInput(_("The key {key}: is given twice.").format(key=key))
            line.options[key] = value
        elif text[i] in _OPENING_QUOTES and text[i] not in "'’":
            value, i = _read_quoted(text, i)
            line.positionals.append(value)
        else:
            value, i = _read_word(text, i)
            line.positionals.append(value)
    return line


_DURATION_FORMS = [
    re.compile(r"^(?P<h>\d{1,2})\s*h\s*(?P<m>\d{1,2})?\s*(min|mn|m)?$"),  # 3h30, 3h, 3h30min
    re.compile(r"^(?P<dec>\d{1,2}(?:[.,]\d{1,4})?)\s*h?$"),  # 3,5h 3.5 3
    re.compile(r"^(?P<min>\d{1,4})\s*(min|mn|m)$"),  # 90min
    re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$"),  # 1:30
]


def parse_duration(text: str) -> int:
    """Minutes in `3 h 30`, `3h30`, `2 h`, `3,5h`, `3.5`, `45 min` or `1:30`; between 1 minute and 24 hours."""
    # `3 h 30`, `3h30` and `3 h 30` with no-break spaces are the same duration.
    cleaned = re.sub(f"[{_SPACES}]", "", text.strip().lower())
    minutes: int | None = None
    for form in _DURATION_FORMS:
        found = form.match(cleaned)
        if not found:
            continue
        parts = found.groupdict()
        if parts.get("dec") is not None:
            minutes = int((Decimal(parts["dec"].replace(",", ".")) * 60).to_integral_value())
        elif parts.get("min") is not None:
            minutes = int(parts["min"])
        else:
            extra = int(parts["m"] or 0)
            minutes = None if extra >= 60 else int(parts["h"]) * 60 + extra
        break
    if minutes is None:
        raise InvalidInput(_("“{value}” is not a duration.").format(value=text), hint=_duration_hint())
    if minutes <= 0:
        raise InvalidInput(_("A duration must be more than zero."), hint=_duration_hint())
    if minutes > MAX_MINUTES_PER_DAY:
        raise InvalidInput(_("A duration cannot exceed 24 hours."), hint=_duration_hint())
    return minutes


def _duration_hint() -> str:
    return _("Write it like 3 h 30, 2 h, 45 min (spaces or not), 3,5 h or 1:30.")


_RELATIVE_DAYS = {
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "aujourdhui": 0,
    "today": 0,
    "hier": 1,
    "yesterday": 1,
    "avant-hier": 2,
}
# Nothing of the call happened before it (2016); a year past this is a typo, not a plan.
EARLIEST_DAY = date(2016, 1, 1)
LATEST_YEAR = 2099
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$")


def parse_day(text: str, today: date) -> date:
    """A calendar day: `2016-06-02`, `02/06/2016`, `aujourd'hui`, `hier`, `today`, `yesterday`."""
    cleaned = text.strip().lower()
    if cleaned in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[cleaned])
    if found := _ISO_DATE.match(cleaned):
        year, month, day = (int(part) for part in found.groups())
    elif found := _FRENCH_DATE.match(cleaned):
        day, month, year = (int(part) for part in found.groups())
        # Only a two-digit year is short for 20xx: "0001" is year 1, refused below, never read as 2001.
        year += 2000 if len(found.group(3)) == 2 else 0
    else:
        raise InvalidInput(_("“{value}” is not a date.").format(value=text), hint=_day_hint())
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise InvalidInput(
            _("“{value}” is not a date that exists.").format(value=text), hint=_day_hint()
        ) from None
    if parsed < EARLIEST_DAY or parsed.year > LATEST_YEAR:
        raise InvalidInput(
            _("“{value}” is out of range: dates go from {earliest} (the call) to {latest}.").format(
                value=text, earliest="01/01/2016", latest=f"31/12/{LATEST_YEAR}"
            ),
            hint=_day_hint(),
        )
    return parsed


def _day_hint() -> str:
    return _("Write it like 02/06/2016, 2016-06-02, today or yesterday.")


def parse_month(text: str) -> tuple[int, int]:
    """A month as `(year, month)` from `2016-06` or `06/2016`."""
    cleaned = text.strip()
    found = re.match(r"^(\d{4})-(\d{1,2})$", cleaned) or re.match(r"^(\d{1,2})/(\d{4})$", cleaned)
    if found:
        first, second = (int(part) for part in found.groups())
        year, month = (first, second) if first > 12 else (second, first)
        if 1 <= month <= 12:
            return year, month
    raise InvalidInput(
        _("“{value}” is not a month.").format(value=text), hint=_("Write it like 2016-06 or 06/2016.")
    )


# Cents are SQL INTEGER (32 bits on PostgreSQL): 10 million euros keeps every amount storable.
_MAX_AMOUNT = Decimal("10000000")
_GROUPED_FR = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")
_GROUPED_EN = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")
_PLAIN = re.compile(r"^\d+([.,]\d{1,2})?$")
_GROUPED_SPACES = re.compile(f"^\\d{{1,3}}([{_SPACES}']\\d{{3}})+([.,]\\d{{1,2}})?$")
_AMBIGUOUS_COMMA = re.compile(r"^\d{1,3},\d{3}$")


def parse_amount(text: str) -> int:
    """An amount of euros in cents: `12345,50`, `12 345,50 €`, `12345.50`, `1.234,50`, `1,234.50 EUR`."""
    cleaned = re.sub(r"^(€|eur)|(€|eur|euros?)$", "", text.strip().lower()).strip()
    if re.search(f"[{_SPACES}']", cleaned):
        # Spaces only as thousands separators: "12 345,50", never "12 34 5".
        if not _GROUPED_SPACES.match(cleaned):
            raise InvalidInput(_("“{value}” is not an amount in euros.").format(value=text), hint=_amount_hint())
        cleaned = re.sub(f"[{_SPACES}']", "", cleaned)
    if _AMBIGUOUS_COMMA.match(cleaned):
        # "12,345" is 12 345 in English but a typo in French: money has two decimals, so ask.
        raise InvalidInput(
            _("“{value}” is ambiguous.").format(value=text), hint=_('For 12 345 €, write 12345 or "12 345,00".')
        )
    if _GROUPED_FR.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _GROUPED_EN.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _PLAIN.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    else:
        raise InvalidInput(_("“{value}” is not an amount in euros.").format(value=text), hint=_amount_hint())
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the patterns above only let numbers through
        raise InvalidInput(
            _("“{value}” is not an amount in euros.").format(value=text), hint=_amount_hint()
        ) from None
    if amount <= 0:
        raise InvalidInput(_("An amount must be more than zero."), hint=_amount_hint())
    if amount >= _MAX_AMOUNT:
        raise InvalidInput(
            _("This amount is too large (at most {largest}).").format(
                largest=format_money(_MAX_AMOUNT - Decimal("0.01"))
            ),
            hint=_amount_hint(),
        )
    return int(amount * 100)


def _amount_hint() -> str:
    return _('Write it like 12345,50 or "12 345,50 €".')


def parse_rate(text: str) -> int:
    """An hourly rate in cents per hour (`45`, `45,50`), at most 1 000 € per hour."""
    cents = parse_amount(text)
    if cents > 100_000:
        raise InvalidInput(_("An hourly rate cannot exceed 1 000 € per hour."), hint=_("Example: taux:45,50"))
    return cents


def parse_list(text: str) -> list[str]:
    """A comma- or semicolon-separated list, blanks dropped: `"DREAL, DDT"` → `["DREAL", "DDT"]`."""
    return [item.strip() for item in re.split(r"[,;]", text) if item.strip()]


_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}([ \u00a0\u202f']\d{3})+)([.,]\d+)?$")
MAX_PLAN_HOURS = 100_000


def parse_number(text: str) -> Decimal:
    """A measured or target value: `12`, `-3`, `12,5`, `1 234,5`, `0.75` (a trailing `%` is allowed)."""
    cleaned = text.strip().removesuffix("%").strip()
    if not _NUMBER.match(cleaned) or len(cleaned) > 30:
        raise InvalidInput(
            _("“{value}” is not a number.").format(value=text), hint=_("Write it like 12, 12,5 or 1 234,5.")
        )
    return Decimal(re.sub(f"[{_SPACES}']", "", cleaned).replace(",", ".")).normalize() + 0


def parse_plan_hours(text: str) -> int:
    """Hours forecast on a funding plan, in minutes: `120`, `120,5`, `1 200`; more than 0, at most 100 000."""
    hint = _("Write a number of hours like 120 or 120,5.")
    try:
        hours = parse_number(text)
    except InvalidInput:
        raise InvalidInput(_("“{value}” is not a number of hours.").format(value=text), hint=hint) from None
    if hours <= 0:
        raise InvalidInput(_("A number of hours must be more than zero."), hint=hint)
    if hours > MAX_PLAN_HOURS:
        raise InvalidInput(_("A plan line holds at most 100 000 hours."), hint=hint)
    return int((hours * 60).to_integral_value())
