"""Parsers, property-tested: whatever a person writes in a supported form reads back to the same value."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labbot.errors import InvalidInput
from labbot.i18n import format_duration, format_money, use_locale
from labbot.parsing import parse_amount, parse_day, parse_duration, parse_month, tokenize

TODAY = date(2016, 6, 10)
minutes_in_a_day = st.integers(min_value=1, max_value=24 * 60)


@given(minutes_in_a_day)
def test_durations_read_back_from_every_written_form(minutes: int) -> None:
    hours, rest = divmod(minutes, 60)
    forms = [format_duration(minutes), f"{minutes}min", f"{hours}:{rest:02d}"]
    if rest == 0:
        forms += [f"{hours}h", str(hours)]
    if rest in (0, 15, 30, 45):
        decimal = Decimal(minutes) / 60
        forms += [f"{decimal}h".replace(".", ","), str(decimal)]
    for form in forms:
        assert parse_duration(form) == minutes, form


@given(st.integers(min_value=24 * 60 + 1, max_value=99 * 60))
def test_more_than_a_day_is_refused(minutes: int) -> None:
    with pytest.raises(InvalidInput):
        parse_duration(f"{minutes}min")


@given(st.text(min_size=1, max_size=12))
def test_durations_never_crash_on_garbage(text: str) -> None:
    try:
        minutes = parse_duration(text)
    except InvalidInput:
        return
    assert 1 <= minutes <= 24 * 60


@given(st.dates(min_value=date(2016, 1, 1), max_value=date(2099, 12, 31)))
def test_days_read_back_in_french_and_iso_forms(day: date) -> None:
    assert parse_day(day.strftime("%d/%m/%Y"), TODAY) == day
    assert parse_day(day.isoformat(), TODAY) == day
    assert parse_day(f"{day.day}/{day.month}/{day.year}", TODAY) == day


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_days_before_the_call_or_in_absurd_years_are_refused_never_changed(day: date) -> None:
    for text in (day.strftime("%d/%m/") + f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}-{day.day:02d}"):
        if date(2016, 1, 1) <= day <= date(2099, 12, 31):
            assert parse_day(text, TODAY) == day  # never silently another day (0001 is not 2001)
        else:
            with pytest.raises(InvalidInput, match="2016"):
                parse_day(text, TODAY)


def test_two_digit_years_are_this_century() -> None:
    assert parse_day("02/06/16", TODAY) == date(2016, 6, 2)


def test_relative_days() -> None:
    assert parse_day("aujourd'hui", TODAY) == TODAY
    assert parse_day("Today", TODAY) == TODAY
    assert parse_day("hier", TODAY) == TODAY - timedelta(days=1)
    assert parse_day("yesterday", TODAY) == TODAY - timedelta(days=1)


@pytest.mark.parametrize(
    "text", ["31/02/2016", "2016-02-30", "00/01/2016", "32/01/2016", "demain", "2016/06/02", ""]
)
def test_impossible_days_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_day(text, TODAY)


@given(st.integers(min_value=1, max_value=9_999_999_99))
def test_amounts_read_back_as_french_and_english_write_them(cents: int) -> None:
    amount = Decimal(cents) / 100
    for language in ("fr", "en"):
        with use_locale(language):  # type: ignore[arg-type]
            assert parse_amount(format_money(amount)) == cents
    assert parse_amount(f"{amount:.2f}") == cents
    assert parse_amount(f"{amount:.2f}".replace(".", ",")) == cents


@pytest.mark.parametrize("text", ["douze", "-5", "0", "12,345", "1.2.3", "12 34 5,5", "€", "1e5"])
def test_non_amounts_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "month"), [("2016-06", (2016, 6)), ("06/2016", (2016, 6)), ("2016-6", (2016, 6))]
)
def test_months(text: str, month: tuple[int, int]) -> None:
    assert parse_month(text) == month


quotable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"“”«»„\u00a0\u202f'),
    max_size=40,
).map(str.strip)


@given(quotable, quotable)
def test_quoted_values_survive_tokenizing(title: str, summary: str) -> None:
    line = tokenize(f'idee "{title}" resume:"{summary}" region:corse')
    assert line.positionals == ["idee", title]
    assert line.options == {"resume": summary, "region": "corse"}


def test_french_quotes_apostrophes_and_urls() -> None:
    line = tokenize("idee « L'atelier » resume:“C'est l'idée” lien:https://exemple.fr/a")
    assert line.positionals == ["idee", "L'atelier"]
    assert line.options == {"resume": "C'est l'idée", "lien": "https://exemple.fr/a"}
    with pytest.raises(InvalidInput):
        tokenize('idee "ouvert')
    with pytest.raises(InvalidInput):
        tokenize("heures 1 2h date:hier date:aujourd'hui")
