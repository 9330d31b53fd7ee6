"""An .ics invitation for an event (`icalendar`), attached to its reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from labbot.storage.models import Event


def event_invitation(event: Event, now: datetime) -> bytes:
    """The event as an iCalendar file with one VEVENT (times in UTC). Its UID is the event's own, random and
    kept for good; its SEQUENCE grows with each change of the event and DTSTAMP is when the file is made
    (RFC 5545 §3.8.7.2), so calendars replace the invitation they already hold (RFC 5546)."""
    if event.starts_at is None:
        raise ValueError(f"event {event.key} has no date")
    # Imported here: icalendar (~2 MiB with dateutil) is needed only when an invitation is attached.
    import icalendar  # noqa: PLC0415

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//labbot//laboratoires d'innovation territoriale//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at or event.starts_at + timedelta(hours=2))
    vevent.add("dtstamp", now)
    vevent.add("sequence", event.sequence)
    if event.place:
        vevent.add("location", event.place)
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())
