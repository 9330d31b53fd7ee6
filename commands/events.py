"""SGMAP's events: list with seats left, sign up (with a waiting list), cancel, list attendees."""

from __future__ import annotations

from labbot.arguments import Arguments, Ref, option
from labbot.context import CommandContext
from labbot.errors import Conflict, Forbidden, NotFound
from labbot.i18n import N_, _, format_day, format_moment, ngettext
from labbot.messages import Action, Reply, Table
from labbot.policy import project_or_refuse
from labbot.registry import CommandFamily
from labbot.states import Role, SignupState
from labbot.storage import events, people, projects, signup_counts
from labbot.storage.events import EventLine
from labbot.storage.models import Event, Signup

family = CommandFamily("events")


def place_of(event: Event | EventLine) -> str:
    """The event's place, or "place to be set": never an invented one."""
    return event.place or _("place to be set")


def when(event: Event | EventLine) -> str:
    """`27/05/2016 09:30`, `07/07/2016 – 08/07/2016`, or the tentative date."""
    if event.starts_at is None:
        return event.tentative or _("date to be set")
    if event.ends_at and event.ends_at.date() != event.starts_at.date():
        return f"{format_day(event.starts_at.date())} – {format_day(event.ends_at.date())}"
    return format_moment(event.starts_at)


def _event_or_refuse(ctx: CommandContext, key: str) -> Event:
    event = events.find(ctx.session, key)
    if event is None:
        keys = ", ".join(e.key for e in events.all_events(ctx.session))
        raise NotFound(_("No event “{key}”.").format(key=key), hint=_("Events: {keys}.").format(keys=keys))
    return event


@family.command(
    "evenements",
    "events",
    writes=False,
    summary=N_("SGMAP's events, with seats left"),
    example="evenements",
    example_en="events",
)
def list_events(ctx: CommandContext, _args: Arguments) -> Reply:
    """Every event with its seats, queue and the requester's state."""
    counts = signup_counts.counts(ctx.session)
    mine = events.states_of(ctx.session, ctx.person.id)
    labels: dict[str, str] = {SignupState.REGISTERED: _("registered"), SignupState.WAITING: _("waiting list")}
    reply = Reply(title=_("Events"))
    rows = []
    for event in events.all_events(ctx.session):
        taken = counts.get(event.id, {}).get(SignupState.REGISTERED, 0)
        waiting = counts.get(event.id, {}).get(SignupState.WAITING, 0)
        rows.append(
            [
                event.key,
                event.title,
                when(event),
                place_of(event),
                str(max(event.capacity - taken, 0)),
                str(waiting),
                labels.get(mine.get(event.id, ""), "—"),
            ]
        )
        if event.id not in mine and not _started(ctx, event):
            reply.actions.append(
                Action(
                    label=_("Sign up: {key}").format(key=event.key),
                    command=f"inscription {event.key}",
                    style="primary",
                )
            )
        elif event.id in mine:
            reply.actions.append(
                Action(
                    label=_("Cancel: {key}").format(key=event.key),
                    command=f"desinscription {event.key}",
                    style="danger",
                )
            )
    reply.table = Table(
        columns=[_("Key"), _("Event"), _("When"), _("Place"), _("Seats left"), _("Waiting"), _("You")],
        rows=rows,
        numeric=[4, 5],
    )
    reply.notes.append(_("Sign up with: signup <key> [project:<n>]"))
    return reply


class SignupArgs(Arguments):
    cle: str = option(..., aliases=("key", "evenement", "event"), help=N_("the event's key, shown by events"))
    projet: Ref | None = option(None, aliases=("project",), help=N_("the project you come for"))


@family.command(
    "inscription",
    "signup",
    arguments=SignupArgs,
    positionals=("cle",),
    summary=N_("Sign up for an event (waiting list when full)"),
    example="inscription camp projet:1",
    example_en="signup camp projet:1",
)
def sign_up(ctx: CommandContext, args: SignupArgs) -> Reply:
    """Take a seat, or a place in the queue."""
    event = _event_or_refuse(ctx, args.cle)
    if _started(ctx, event) and event.starts_at is not None:
        raise Conflict(
            _("Signups for {title} closed when it started ({when}).").format(
                title=event.title, when=format_moment(event.starts_at)
            ),
            hint=_("See the coming events: events"),
        )
    project = project_or_refuse(ctx.session, args.projet) if args.projet else None
    if project is not None and not projects.is_member(ctx.session, project.id, ctx.person.id):
        raise Forbidden(
            _("projet: you are not on the team of #{number}.").format(number=project.id),
            hint=_("Name a project of yours, or join it first: join {number}").format(number=project.id),
        )
    events.lock_event(ctx.session, event.id)
    if existing := events.live_signup(ctx.session, event.id, ctx.person.id):
        raise Conflict(
            _("You are already signed up for {title} ({state}).").format(
                title=event.title,
                state=_("registered") if existing.state == SignupState.REGISTERED else _("waiting list"),
            )
        )
    # Those already waiting get freed seats (a raised capacity) before anyone new.
    promote_waiting(ctx, event)
    full = (
        events.confirmed_count(ctx.session, event.id) >= event.capacity
        or events.waiting_count(ctx.session, event.id) > 0
    )
    signup = Signup(
        event_id=event.id,
        person_id=ctx.person.id,
        project_id=project.id if project else None,
        state=SignupState.WAITING if full else SignupState.REGISTERED,
        created_at=ctx.now(),
    )
    ctx.session.add(signup)
    ctx.session.flush()
    cancel = Action(label=_("Cancel"), command=f"desinscription {event.key}", style="danger")
    if full:
        position = events.waiting_position(ctx.session, signup)
        text = _(
            "{title} is full: you are number {position} on the waiting list. You will be told if a seat frees up."
        ).format(title=event.title, position=position)
        return Reply(text=text, actions=[cancel])
    return Reply(
        text=_("You are registered for {title}, {when}, {place}.").format(
            title=event.title, when=when(event), place=place_of(event)
        ),
        actions=[cancel],
    )


class EventKey(Arguments):
    cle: str = option(..., aliases=("key", "evenement", "event"), help=N_("the event's key, shown by events"))


@family.command(
    "desinscription",
    "cancel",
    arguments=EventKey,
    positionals=("cle",),
    summary=N_("Cancel your signup (the first on the waiting list gets the seat)"),
    example="desinscription camp",
    example_en="cancel camp",
)
def cancel(ctx: CommandContext, args: EventKey) -> Reply:
    """Free the seat and promote the first waiting person, who is told."""
    event = _event_or_refuse(ctx, args.cle)
    events.lock_event(ctx.session, event.id)
    signup = events.live_signup(ctx.session, event.id, ctx.person.id)
    if signup is None:
        raise NotFound(_("You are not signed up for {title}.").format(title=event.title))
    signup.state, signup.cancelled_at = SignupState.CANCELLED, ctx.now()
    ctx.session.flush()
    # Only while fewer people hold a seat than there are seats: a lowered capacity frees none.
    promote_waiting(ctx, event)
    return Reply(text=_("Your signup for {title} is cancelled.").format(title=event.title))


def promote_waiting(ctx: CommandContext, event: Event) -> int:
    """Give free seats to the waiting list, in order; each promoted person is told. Returns how many."""
    promoted = 0
    while events.confirmed_count(ctx.session, event.id) < event.capacity:
        first = events.first_waiting(ctx.session, event.id)
        if first is None:
            break
        first.state = SignupState.REGISTERED
        ctx.session.flush()
        promoted += 1
        person = people.get(ctx.session, first.person_id)
        if person is not None:
            ctx.notify(
                person,
                lambda: Reply(
                    text=_(
                        "Good news: a seat freed up. You are now registered for {title}, {when}, {place}."
                    ).format(title=event.title, when=when(event), place=place_of(event))
                ),
            )
    return promoted


def _started(ctx: CommandContext, event: Event | EventLine) -> bool:
    return event.starts_at is not None and event.starts_at <= ctx.now()


@family.command(
    "inscrits",
    "attendees",
    arguments=EventKey,
    positionals=("cle",),
    role=Role.COORDINATOR,
    writes=False,
    summary=N_("Who is signed up for an event"),
    example="inscrits camp",
    example_en="attendees camp",
)
def attendees(ctx: CommandContext, args: EventKey) -> Reply:
    """Registered people, then the waiting list in order."""
    event = _event_or_refuse(ctx, args.cle)
    rows = events.attendees(ctx.session, event.id)
    confirmed = sum(1 for signup, _person in rows if signup.state == SignupState.REGISTERED)
    reply = Reply(title=f"{event.title} — {when(event)}")
    reply.text = (
        ngettext("{count} registered", "{count} registered", confirmed).format(count=confirmed)
        + ngettext(" of {capacity} seat", " of {capacity} seats", event.capacity).format(capacity=event.capacity)
        + _("; {waiting} waiting.").format(waiting=len(rows) - confirmed)
    )
    if confirmed >= event.capacity:
        reply.notes.append(_("Full, {waiting} on the waiting list.").format(waiting=len(rows) - confirmed))
    position = 0
    table_rows = []
    for signup, person in rows:
        position += signup.state == SignupState.WAITING
        state = _("registered") if signup.state == SignupState.REGISTERED else _("waiting #{n}").format(n=position)
        table_rows.append(
            [
                person.display_name,
                person.service or "—",
                f"#{signup.project_id}" if signup.project_id else "—",
                state,
                format_day(signup.created_at.date()),
            ]
        )
    if table_rows:
        reply.table = Table(
            columns=[_("Name"), _("Service"), _("Project"), _("State"), _("Signed up")], rows=table_rows
        )
    return reply
