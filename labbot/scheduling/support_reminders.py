"""Support requests that have not moved for `[support] reminder_days` working days, reminded to SGMAP's
administrators — on working days only, once per request and stall period (a dedupe key per period)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from sqlalchemy.orm import Session

from labbot.clock import PARIS
from labbot.config import Settings
from labbot.i18n import _, format_day, ngettext
from labbot.messages import Action, Reply
from labbot.scheduling.audience import PersonalReplies, Reach, people_recipients
from labbot.scheduling.calendar import is_working_day
from labbot.storage import outbox, questions, support_requests
from labbot.storage.models import Person, Project, SupportRequest
from labbot.support import SUPPORT_STATUSES, SUPPORT_TYPES
from labbot.text import shorten
from labbot.vocabulary import REGIONS


def working_days_since(day: date, today: date) -> int:
    """Working days after `day`, up to and including `today`."""
    return sum(is_working_day(day + timedelta(days=n)) for n in range(1, (today - day).days + 1))


def stalled_support_reminders(
    session: Session, settings: Settings, reach: Reach, today: date, now: datetime
) -> int:
    """On a working day, each request not moved for `reminder_days` working days (and again every as many
    more) is reminded to every administrator."""
    if not is_working_day(today):
        return 0
    days = settings.support.reminder_days
    # No request moved since this many calendar days can have enough working days (weekends, holidays).
    latest = datetime.combine(today - timedelta(days=days), time(0, 0), tzinfo=PARIS)
    admins = questions.admins(session)
    queued = 0
    for request, project in support_requests.stalled(session, latest + timedelta(days=1)):
        moved_on = request.moved_at.astimezone(PARIS).date()
        idle = working_days_since(moved_on, today)
        if idle < days or idle % days:
            continue
        replies = PersonalReplies(partial(_stalled_reply, request, project, idle))
        message = outbox.enqueue(
            session,
            kind="reminder",
            reply=Reply(text="support"),
            recipients=people_recipients(admins, Reach(reach.platforms, skip_muted=True), replies),
            now=now,
            dedupe_key=f"support:{request.id}:{moved_on.isoformat()}:{idle // days}",
        )
        queued += message is not None
    return queued


def _stalled_reply(request: SupportRequest, project: Project, idle: int, _admin: Person) -> Reply:
    return Reply(
        title=_("Support request {number} waits: #{project} {title} ({region})").format(
            number=request.id, project=project.id, title=project.title, region=REGIONS.label(project.region)
        ),
        text=shorten(request.need, 300)
        + "\n"
        + ngettext(
            "{kind}, {status}, no move for {n} working day (since {day}).",
            "{kind}, {status}, no move for {n} working days (since {day}).",
            idle,
        ).format(
            kind=SUPPORT_TYPES.label(request.kind),
            status=SUPPORT_STATUSES.label(request.status),
            n=idle,
            day=format_day(request.moved_at.astimezone(PARIS).date()),
        ),
        actions=[
            Action(label=_("Take it"), command=f"appui {request.id} statut:en-cours", style="primary"),
            Action(label=_("Support requests"), command="appuis"),
        ],
    )
