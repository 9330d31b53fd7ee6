"""An .ics invitation for an event (`icalendar`), attached to its reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar

from labbot.storage.models import Event


def event_invitation(event: Event, updated_at: datetime | None = None) -> bytes:
    """The event as an iCalendar file with one VEVENT (times in UTC, a stable UID per event). An update
    (`updated_at`) carries a higher SEQUENCE, so calendars replace the invitation they already have."""
    if event.starts_at is None:
        raise ValueError(f"event {event.key} has no date")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//labbot//laboratoires d'innovation territoriale//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.key}@labbot")
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at or event.starts_at + timedelta(hours=2))
    vevent.add("dtstamp", updated_at or event.starts_at)
    if updated_at is not None:
        vevent.add("sequence", int(updated_at.timestamp()) // 60)
    if event.place:
        vevent.add("location", event.place)
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())
