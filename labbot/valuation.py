"""Valuing agents' time: the hourly rate that turns hours into the budget's "valorisation du temps des agents"."""

from __future__ import annotations

from labbot.config import ValuationSettings
from labbot.storage.models import Person


def hourly_rate_cents(person: Person, rules: ValuationSettings) -> int:
    """The person's own rate if a coordinator set one, else their category's rate from the config."""
    if person.hourly_rate_cents:
        return person.hourly_rate_cents
    return rules.rate_cents(person.category)
