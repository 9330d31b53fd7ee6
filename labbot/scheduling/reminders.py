"""Automatic reminders: events (J-7, J-1, with an .ics), the weekly timesheet nudge, deadlines, the digest.

Each function looks at `today` (Paris) and queues what is due that day. Every message has a dedupe key, so a
job that runs twice (a retry, a restart) queues nothing twice. Days move off weekends and French holidays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import Session

from labbot.budget import budget_report
from labbot.clock import PARIS
from labbot.config import DeadlineSettings, Settings
from labbot.i18n import _, format_cents, format_day, format_hours_total, format_moment, format_percent
from labbot.messages import Action, Reply, Table
from labbot.scheduling.audience import PersonalReplies, Reach, people_recipients
from labbot.scheduling.calendar import reminder_day
from labbot.scheduling.invitation import event_invitation
from labbot.storage import hours, outbox, projects
from labbot.storage.models import Event, HourEntry, Membership, Person, Project, Signup
from labbot.storage.outbox import Attachment


def event_reminders(session: Session, settings: Settings, reach: Reach, today: date, now: datetime) -> int:
    """J-7 and J-1 (config) before each dated event, to its registrants, with an .ics invitation."""
    queued = 0
    for event in session.scalars(select(Event).where(Event.starts_at.is_not(None))):
        if event.starts_at is None:
            continue
        event_day = event.starts_at.astimezone(PARIS).date()
        for days in settings.reminders.event_days_before:
            if reminder_day(event_day - timedelta(days=days), before=event_day) != today:
                continue
            registrants = session.scalars(
                select(Person).join(Signup).where(Signup.event_id == event.id, Signup.state == "inscrit")
            ).all()
            replies = PersonalReplies(partial(_event_reply, event))
            message = outbox.enqueue(
                session,
                kind="reminder",
                reply=Reply(text=event.title),
                recipients=people_recipients(registrants, Reach(reach.platforms, skip_muted=True), replies),
                now=now,
                dedupe_key=f"event:{event.key}:{event_day.isoformat()}:J-{days}",
                attachment=Attachment(f"{event.key}.ics", event_invitation(event)),
            )
            queued += message is not None
    return queued


def _event_reply(event: Event, _person: Person) -> Reply:
    return Reply(
        title=_("Reminder: {title}").format(title=event.title),
        text=_("{title} takes place on {when}, {place}. The invitation is attached.").format(
            title=event.title,
            when=format_moment(event.starts_at) if event.starts_at else event.tentative,
            place=event.place or "—",
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
    logged = select(HourEntry.person_id).where(
        HourEntry.worked_on >= monday, HourEntry.worked_on < monday + timedelta(days=7)
    )
    idle = session.scalars(
        select(Person)
        .where(Person.id.in_(select(Membership.person_id)), Person.id.not_in(logged))
        .order_by(Person.id)
    ).all()
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
            "You have logged no hours for the week of {monday}. Log them with: heures <project> <duration>"
        ).format(monday=format_day(monday)),
        notes=[_("Stop optional reminders with: rappels off")],
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
            query = select(Person).where(Person.role == "coordinateur")
            if deadline.region:
                query = query.where(Person.region == deadline.region)
            coordinators = session.scalars(query.order_by(Person.id)).all()
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
    coordinators = session.scalars(
        select(Person).where(Person.role == "coordinateur", Person.region.is_not(None)).order_by(Person.id)
    ).all()
    for coordinator in coordinators:
        replies = PersonalReplies(lambda person: digest_reply(session, settings, person.region or "", week))
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


def digest_reply(session: Session, settings: Settings, region: str, week: tuple[date, date]) -> Reply:
    """The digest of a region: per project, hours of the week and in total, valued time, budget used."""
    reply = Reply(
        title=_("Weekly digest, week of {monday}").format(monday=format_day(week[0])),
    )
    rows = []
    for project in session.scalars(select(Project).where(Project.region == region).order_by(Project.id)):
        report = budget_report(session, project, settings.budget)
        of_week = hours.total(session, *hours.for_project(project.id, *week))
        rows.append(
            [
                f"#{project.id} {project.title}",
                format_hours_total(of_week.minutes),
                format_hours_total(report.time_minutes),
                format_cents(report.time_cents),
                format_cents(report.total_cents),
                format_percent(report.used_ratio),
            ]
        )
    if not rows:
        reply.text = _("No project in your region yet.")
        return reply
    reply.table = Table(
        columns=[_("Project"), _("Week"), _("Hours"), _("Valued time"), _("Budget used"), _("Of the cap")],
        rows=rows,
        numeric=[1, 2, 3, 4, 5],
    )
    reply.notes.append(_("Details: budget <project>, rapport <project>"))
    return reply


def at_paris(day: date, hour: int) -> datetime:
    """`day` at `hour` in Paris."""
    return datetime.combine(day, time(hour), tzinfo=PARIS)
