"""A person's home, as a core query: their projects, hours this week and month, and the events ahead.

Platforms with a home tab (Slack's App Home) render this neutral view; they never read storage themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from labbot.clock import today_in_paris
from labbot.context import language_of
from labbot.engine import LabBot
from labbot.i18n import Language, language_from_hint
from labbot.messages import Reply, Request
from labbot.storage import hours, people, projects


@dataclass(frozen=True)
class HomeView:
    """What a home shows one person, in their language."""

    language: Language
    projects: list[tuple[int, str]] = field(default_factory=list)  # number, title
    week_minutes: int = 0
    month_minutes: int = 0
    # The read-only `evenements` reply, with its signup buttons.
    events: Reply = field(default_factory=Reply)


def own_projects(bot: LabBot, platform: str, user_id: str) -> list[tuple[int, str]]:
    """The projects of the person behind `platform:user_id` (none for someone new), as forms offer them."""
    with bot.database.transaction() as session:
        person = people.by_identity(session, platform, user_id)
        return [(p.id, p.title) for p in projects.of_person(session, person.id)] if person else []


def account_language(bot: LabBot, platform: str, user_id: str, locale: str | None) -> Language:
    """The language of the person behind `platform:user_id`: their `profil langue:` choice, else `locale`,
    else French (for answers given before any command runs, such as a refused button)."""
    with bot.database.transaction() as session:
        person = people.by_identity(session, platform, user_id) if user_id else None
        return language_of(person, locale) if person is not None else language_from_hint(locale) or "fr"


def home_view(bot: LabBot, platform: str, user_id: str, locale: str | None) -> HomeView:
    """The home of the person behind `platform:user_id`, read in one transaction, plus the events ahead."""
    today = today_in_paris(bot.clock)
    week_start = today - timedelta(days=today.weekday())
    tomorrow = today + timedelta(days=1)
    events = bot.handle(Request(platform=platform, user_id=user_id, text="evenements", locale=locale))
    with bot.database.transaction() as session:
        person = people.by_identity(session, platform, user_id)
        if person is None:
            return HomeView(language_from_hint(locale) or "fr", events=events)
        own = [(p.id, p.title) for p in projects.of_person(session, person.id)]
        week = hours.person_total(session, person.id, week_start, tomorrow).minutes
        month = hours.person_total(session, person.id, today.replace(day=1), tomorrow).minutes
        return HomeView(language_of(person, locale), own, week, month, events)
