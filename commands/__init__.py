"""Command handlers, one module per family. `FAMILIES` is what the bootstrap registers."""

from commands import (
    announcements,
    budget,
    event_settings,
    events,
    faq,
    help,
    hours,
    ideas,
    labs,
    meetings,
    questions,
    roles,
    subscriptions,
    support,
    teams,
)

FAMILIES = [
    help.family,
    ideas.family,
    events.family,
    meetings.family,
    hours.family,
    budget.family,
    roles.family,
    announcements.family,
    subscriptions.family,
    event_settings.family,
    teams.family,
    questions.family,
    faq.family,
    support.family,
    labs.family,
]
