"""Administrators set an event's date, end, place and seats from chat (`evenement`).

What is set here is stored with the event and wins over the configuration file across restarts; the people
registered are told, with an updated invitation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo

from commands.announcements import parse_moment
from commands.events import _event_or_refuse, place_of, promote_waiting, when
from labbot.arguments import Arguments, ShortText, option
from labbot.context import CommandContext
from labbot.errors import InvalidInput
from labbot.i18n import N_, _, format_moment, ngettext
from labbot.messages import Attachment, Reply
from labbot.registry import CommandFamily
from labbot.scheduling.invitation import event_invitation
from labbot.states import Role
from labbot.storage import events
from labbot.storage.models import Event

family = CommandFamily("event_settings")


def _seats(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise InvalidInput(
            _("“{value}” is not a number of seats.").format(value=text[:20]),
            hint=_("A whole number from 1 to 100 000: places:150"),
        )
    return int(text)


Seats = Annotated[int, BeforeValidator(_seats)]


def _moment(value: Any, info: ValidationInfo) -> datetime:
    return value if isinstance(value, datetime) else parse_moment(str(value), (info.context or {})["today"])


Moment = Annotated[datetime, BeforeValidator(_moment)]


class EventUpdate(Arguments):
    cle: str = option(..., aliases=("key",), help=N_("the event's key, shown by events"))
    date: Moment | None = option(
        None, aliases=("starts",), help=N_("start, Paris time: a day and a time, or demain 09:30")
    )
    fin: Moment | None = option(None, aliases=("ends",), help=N_("end, Paris time: a day and a time"))
    lieu: ShortText | None = option(None, aliases=("place",), help=N_("where it takes place"))
    places: Seats | None = option(None, aliases=("seats",), help=N_("how many seats (1 to 100 000)"))


@family.command(
    "evenement",
    "event",
    arguments=EventUpdate,
    positionals=("cle",),
    role=Role.ADMIN,
    summary=N_("Set an event's date, end, place or seats (administrators); registrants are told"),
    example='evenement regroupement date:"{soon} 09:30" fin:"{soon} 17:30" lieu:"Paris, Ségur" places:150',
    example_en='event regroupement date:"{soon} 09:30" fin:"{soon} 17:30" lieu:"Paris, Ségur" places:150',
)
def set_event(ctx: CommandContext, args: EventUpdate) -> Reply:
    """Change what is given, remember it was set in chat, promote the waiting list, tell the registrants."""
    event = _event_or_refuse(ctx, args.cle)
    if args.date is None and args.fin is None and args.lieu is None and args.places is None:
        raise InvalidInput(_("Nothing to change: give date:, fin:, lieu: or places:."))
    events.lock_event(ctx.session, event.id)
    changes = _changes(ctx, event, args)
    before = {column: _plain(getattr(event, column)) for column in changes}
    if any(events.invitation_differs(event, column, value) for column, value in changes.items()):
        event.sequence += 1
    for column, value in changes.items():
        setattr(event, column, value)
    event.set_in_chat = sorted({*(event.set_in_chat or []), *changes})
    ctx.session.flush()
    ctx.audit("event", event.id, "update", before, {column: _plain(value) for column, value in changes.items()})
    promoted = promote_waiting(ctx, event)
    told = _tell_registrants(ctx, event)
    reply = Reply(
        text=_("{title}: {when}, {place}; seats: {seats}.").format(
            title=event.title, when=when(event), place=place_of(event), seats=event.capacity
        )
    )
    taken = events.confirmed_count(ctx.session, event.id)
    if taken > event.capacity:
        reply.notes.append(
            _(
                "{taken} people hold a seat for {seats}: nobody loses theirs, and nobody else gets one "
                "until fewer than {seats} remain."
            ).format(taken=taken, seats=event.capacity)
        )
    if promoted:
        reply.notes.append(
            ngettext(
                "{count} from the waiting list now has a seat, and is told.",
                "{count} from the waiting list now have a seat, and are told.",
                promoted,
            ).format(count=promoted)
        )
    reply.notes.append(
        ngettext(
            "{count} registered person is told, with the updated invitation.",
            "{count} registered people are told, with the updated invitation.",
            told,
        ).format(count=told)
    )
    return reply


def _changes(ctx: CommandContext, event: Event, args: EventUpdate) -> dict[str, object]:
    changes: dict[str, object] = {}
    if args.date is not None:
        starts = args.date
        if starts <= ctx.now():
            raise InvalidInput(_("date: {when} is already past.").format(when=format_moment(starts)), field="date")
        changes["starts_at"], changes["tentative"] = starts, ""
    starts_at = changes.get("starts_at", event.starts_at)
    if args.fin is not None:
        if not isinstance(starts_at, datetime):
            raise InvalidInput(_("fin: give the start too (date:)."), field="fin")
        ends = args.fin
        if ends < starts_at:
            raise InvalidInput(
                _("fin: {end} is before the start ({start}).").format(
                    end=format_moment(ends), start=format_moment(starts_at)
                ),
                field="fin",
            )
        changes["ends_at"] = ends
    elif "starts_at" in changes and isinstance(starts_at, datetime):
        # A new day without an end: the event ends that day, at the same time as before or at 18:00.
        changes["ends_at"] = None if event.ends_at is None else starts_at.replace(hour=18, minute=0)
    if args.lieu is not None:
        changes["place"] = args.lieu
    if args.places is not None:
        changes["capacity"] = args.places
    return changes


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _tell_registrants(ctx: CommandContext, event: Event) -> int:
    registrants = events.registrants(ctx.session, event.id)
    invitation = (
        Attachment(filename=f"{event.key}.ics", content=event_invitation(event, ctx.now()))
        if event.starts_at
        else None
    )
    for person in registrants:
        ctx.notify(
            person,
            lambda: Reply(
                title=_("Change: {title}").format(title=event.title),
                text=_("{title} now takes place on {when}, {place}. The updated invitation is attached.").format(
                    title=event.title, when=when(event), place=place_of(event)
                ),
            ),
            attachment=invitation,
        )
    return len(registrants)
