"""Automatic reminders: events (J-7, J-1, with an .ics), the weekly timesheet nudge, deadlines, the digest.

Each function looks at `today` (Paris) and queues what is due that day. Every message has a dedupe key, so a
job that runs twice (a retry, a restart) queues nothing twice. Days move off weekends and French holidays.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from slugify import slugify
from sqlalchemy.orm import Session

from labbot.budget import BudgetLevel, level_of
from labbot.clock import PARIS
from labbot.config import DeadlineSettings, Settings
from labbot.i18n import _, format_cents, format_day, format_hours_total, format_moment, format_percent
from labbot.messages import Action, Reply, Table
from labbot.scheduling.audience import PersonalReplies, Reach, people_recipients
from labbot.scheduling.calendar import reminder_day
from labbot.scheduling.invitation import event_invitation
from labbot.storage import digest, events, hours, outbox, people, projects
from labbot.storage.digest import DigestRow
from labbot.storage.models import Event, Person
from labbot.storage.outbox import Attachment


def event_reminders(session: Session, settings: Settings, reach: Reach, today: date, now: datetime) -> int:
    """J-7 and J-1 (config) before each dated event, to its registrants, with an .ics invitation."""
    queued = 0
    for event in events.dated(session):
        if event.starts_at is None:
            continue
        event_day = event.starts_at.astimezone(PARIS).date()
        for days in settings.reminders.event_days_before:
            if reminder_day(event_day - timedelta(days=days), before=event_day) != today:
                continue
            registrants = events.registrants(session, event.id)
            replies = PersonalReplies(partial(_event_reply, event))
            message = outbox.enqueue(
                session,
                kind="reminder",
                reply=Reply(text=event.title),
                recipients=people_recipients(registrants, Reach(reach.platforms, skip_muted=True), replies),
                now=now,
                dedupe_key=f"event:{event.key}:{event_day.isoformat()}:J-{days}",
                attachment=Attachment(f"{event.key}.ics", event_invitation(event, now)),
            )
            queued += message is not None
    return queued


def _event_reply(event: Event, _person: Person) -> Reply:
    return Reply(
        title=_("Reminder: {title}").format(title=event.title),
        text=_("{title} takes place on {when}, {place}. The invitation is attached.").format(
            title=event.title,
            when=format_moment(event.starts_at) if event.starts_at else event.tentative,
            place=event.place or _("place to be set"),
        ),
        actions=[Action(label=_("Cancel my signup"), command=f"desinscription {event.key}", style="danger")],
    )


def week_of(today: date, weekday: int) -> date | None:
    """The Monday of the week whose `weekday` reminder goes out today (moved off holidays), if any."""
    for monday in (today - timedelta(days=today.weekday() + 7 * back) for back in (0, 1)):
        if reminder_day(monday + timedelta(days=weekday)) == today:
            return monday
    return None


def timesheet_nudges(session: Session, settings: Settings, reach: Reach, today: date, now: datetime) -> int:
    """On the nudge day, team members who logged no hours this week are asked to."""
    monday = week_of(today, settings.reminders.nudge_weekday)
    if monday is None:
        return 0
    idle = people.idle_members(session, monday, monday + timedelta(days=7))
    replies = PersonalReplies(lambda person: _nudge_reply(session, person, monday))
    message = outbox.enqueue(
        session,
        kind="reminder",
        reply=Reply(text="nudge"),
        recipients=people_recipients(idle, Reach(reach.platforms, skip_muted=True), replies),
        now=now,
        dedupe_key=f"nudge:{monday.isoformat()}",
    )
    return int(message is not None)


def _nudge_reply(session: Session, person: Person, monday: date) -> Reply:
    mine = projects.of_person(session, person.id)
    reply = Reply(
        title=_("Your hours this week"),
        text=_(
            "You have logged no hours for the week of {monday}. Log them with: hours <project> <duration>"
        ).format(monday=format_day(monday)),
        notes=[_("Stop optional reminders with: reminders off")],
    )
    reply.actions = [
        Action(label=_("Log hours on #{number}").format(number=p.id), command=f"heures {p.id}", style="primary")
        for p in mine[:3]
    ]
    return reply


def deadline_reminders(session: Session, settings: Settings, reach: Reach, today: date, now: datetime) -> int:
    """Configured deadlines, to the coordinators of the matching region (every region when none is set)."""
    queued = 0
    for deadline in settings.reminders.deadlines:
        for days in deadline.days_before:
            nominal = deadline.on - timedelta(days=days)
            if reminder_day(nominal, before=deadline.on if days else None) != today:
                continue
            coordinators = people.coordinators(session, deadline.region)
            replies = PersonalReplies(partial(_deadline_reply, deadline))
            message = outbox.enqueue(
                session,
                kind="reminder",
                reply=Reply(text=deadline.title),
                recipients=people_recipients(coordinators, Reach(reach.platforms, skip_muted=True), replies),
                now=now,
                dedupe_key=f"deadline:{slugify(deadline.title)[:80]}:{deadline.on.isoformat()}:J-{days}",
            )
            queued += message is not None
    return queued


def _deadline_reply(deadline: DeadlineSettings, _person: Person) -> Reply:
    return Reply(
        title=_("Deadline: {title}").format(title=deadline.title),
        text=_("{title} is due on {day}.").format(title=deadline.title, day=format_day(deadline.on)),
    )


def coordinator_digests(session: Session, settings: Settings, reach: Reach, today: date, now: datetime) -> int:
    """On the digest day, each coordinator gets hours, valued time and budget of their region's projects."""
    monday = week_of(today, settings.reminders.digest_weekday)
    if monday is None:
        return 0
    # The digest covers the last full week before the one it is sent in.
    week = (monday - timedelta(days=7), monday)
    queued = 0
    by_region: dict[str, list[Person]] = {}
    for coordinator in people.coordinators(session):
        by_region.setdefault(coordinator.region or "", []).append(coordinator)
    for region, coordinators in by_region.items():
        # One query per region, whoever reads it: the figures are the same for all its coordinators.
        rows = digest.region_digest(session, region, *week)
        replies = PersonalReplies(partial(_digest_for, rows, settings, week))
        for coordinator in coordinators:
            message = outbox.enqueue(
                session,
                kind="digest",
                reply=Reply(text="digest"),
                recipients=people_recipients([coordinator], Reach(reach.platforms, skip_muted=True), replies),
                now=now,
                dedupe_key=f"digest:{monday.isoformat()}:{coordinator.id}",
            )
            queued += message is not None
    return queued


def _digest_for(rows: list[DigestRow], settings: Settings, week: tuple[date, date], _person: Person) -> Reply:
    return digest_reply(rows, settings, week)


def digest_reply(rows: list[DigestRow], settings: Settings, week: tuple[date, date]) -> Reply:
    """The digest of a region: per project, hours of the week and in total, valued time, budget used."""
    reply = Reply(
        title=_("Weekly digest, week of {monday}").format(monday=format_day(week[0])),
    )
    if not rows:
        reply.text = _("No project in your region yet.")
        return reply
    cap, warn = settings.budget.cap_cents, settings.budget.warn_ratio
    table_rows = []
    for row in rows:
        time_cents = hours.value_of(row.minute_rate)
        total = time_cents + row.costs_cents
        table_rows.append(
            [
                f"#{row.project_id} {row.title}",
                format_hours_total(row.week_minutes),
                format_hours_total(row.minutes),
                format_cents(time_cents),
                format_cents(total),
                format_percent(Decimal(total) / Decimal(cap))
                + (" ⚠" if level_of(total, cap, warn) is not BudgetLevel.UNDER else ""),
            ]
        )
    reply.table = Table(
        columns=[_("Project"), _("Week"), _("Hours"), _("Valued time"), _("Budget used"), _("Of the cap")],
        rows=table_rows,
        numeric=[1, 2, 3, 4, 5],
    )
    reply.notes.append(_("Details: budget-report <project>, report <project>"))
    return reply
