"""Command handlers, one module per family. `FAMILIES` is what the bootstrap registers."""

from commands import (
    announcements,
    budget,
    event_settings,
    events,
    filing,
    funding,
    help,
    hours,
    ideas,
    indicators,
    meetings,
    roles,
    subscriptions,
    teams,
)

FAMILIES = [
    help.family,
    ideas.family,
    events.family,
    meetings.family,
    hours.family,
    budget.family,
    indicators.family,
    funding.family,
    filing.family,
    roles.family,
    announcements.family,
    subscriptions.family,
    event_settings.family,
    teams.family,
]
