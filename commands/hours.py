"""Agents' hours: log, list, correct, delete; each entry valued at the agent's hourly rate."""

from __future__ import annotations

from datetime import date, timedelta

from labbot.arguments import Arguments, Day, Duration, Month, OneProject, RowNumber, ShortText, option
from labbot.budget import budget_report
from labbot.budget_watch import crossing_note, tell_crossing
from labbot.context import CommandContext
from labbot.errors import Conflict, Forbidden, InvalidInput, NotFound
from labbot.i18n import N_, _, format_cents, format_day, format_duration, format_hours_total
from labbot.messages import Action, Reply, Table
from labbot.parsing import MAX_MINUTES_PER_DAY
from labbot.policy import project_or_refuse, require_open
from labbot.registry import CommandFamily
from labbot.storage import hours, people, projects
from labbot.storage.models import HourEntry
from labbot.text import shorten
from labbot.valuation import hourly_rate_cents

family = CommandFamily("hours")


def _snapshot(entry: HourEntry) -> dict[str, object]:
    return {
        "project_id": entry.project_id,
        "worked_on": entry.worked_on.isoformat(),
        "minutes": entry.minutes,
        "rate_cents": entry.rate_cents,
        "activity": entry.activity,
    }


def _check_day(ctx: CommandContext, day: date, minutes: int, excluding: int | None = None) -> None:
    if day > ctx.today():
        raise InvalidInput(_("date: {day} is in the future; log hours once worked.").format(day=format_day(day)))
    # Lock the person's row so two entries logged at once cannot both pass the 24 h check (PostgreSQL;
    # SQLite transactions are already serialised).
    people.lock(ctx.session, ctx.person.id)
    already = hours.minutes_on_day(ctx.session, ctx.person.id, day, excluding=excluding)
    if already + minutes > MAX_MINUTES_PER_DAY:
        raise InvalidInput(
            _("duree: that would make {total} on {day}; a day has 24 hours ({already} already logged).").format(
                total=format_duration(already + minutes), day=format_day(day), already=format_duration(already)
            )
        )


class LogHours(OneProject):
    duree: Duration = option(
        ...,
        aliases=("duration",),
        help=N_("3 h 30, 2 h, 45 min (spaces or not), 3,5 h or 1:30"),
        label=N_("Duration"),
        example="3h30",
    )
    date: Day | None = option(
        None, help=N_("02/06/2016, 2016-06-02, today or yesterday; today by default"), label=N_("Date")
    )
    activite: ShortText = option("", aliases=("activity",), help=N_("what you did"), label=N_("Activity"))


@family.command(
    "heures",
    "hours",
    arguments=LogHours,
    positionals=("projet", "duree"),
    # `heures 1 3 h 30`: the words after the project are the duration.
    greedy=True,
    form=N_("Log hours"),
    summary=N_("Log hours on a project"),
    example='heures 1 3h30 date:hier activite:"Atelier usagers"',
    example_en='hours 1 3h30 date:yesterday activite:"User workshop"',
)
def log_hours(ctx: CommandContext, args: LogHours) -> Reply:
    """Record time given to a project the agent is on."""
    project = project_or_refuse(ctx.session, args.projet)
    if not projects.is_member(ctx.session, project.id, ctx.person.id):
        raise Forbidden(
            _("You are not on the team of #{number}.").format(number=project.id),
            hint=_("Join it first: join {number}").format(number=project.id),
        )
    require_open(ctx.person, project)
    day = args.date or ctx.today()
    _check_day(ctx, day, args.duree)
    budget = budget_report(ctx.session, project, ctx.settings.budget)
    entry = HourEntry(
        person_id=ctx.person.id,
        project_id=project.id,
        worked_on=day,
        minutes=args.duree,
        rate_cents=hourly_rate_cents(ctx.person, ctx.settings.valuation),
        activity=args.activite,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    ctx.session.flush()
    ctx.audit("hours", entry.id, "create", None, _snapshot(entry))
    value = hours.value_cents(entry.minutes, entry.rate_cents)
    reply = Reply(
        text=_("Logged {duration} on #{number} {title} for {day} (entry {entry}), valued {value}.").format(
            duration=format_duration(entry.minutes),
            number=project.id,
            title=project.title,
            day=format_day(day),
            entry=entry.id,
            value=format_cents(value),
        )
    )
    # Time worked is a fact: recorded even past the cap, but its author and the coordinators are told.
    after = budget.with_hours(entry.minutes, entry.minutes * entry.rate_cents)
    if note := tell_crossing(ctx, project, budget.level, after) or (
        crossing_note(after) if after.near_cap else None
    ):
        reply.notes.append(note)
    reply.actions.append(Action(label=_("My hours"), command="mesheures"))
    return reply


class MyHours(Arguments):
    mois: Month | None = option(None, aliases=("month",), help=N_("a month, 2016-06; this month by default"))


@family.command(
    "mesheures",
    "myhours",
    arguments=MyHours,
    writes=False,
    summary=N_("Your hours of a month, with weekly and monthly totals"),
    example="mesheures mois:2016-06",
    example_en="myhours mois:2016-06",
)
def my_hours(ctx: CommandContext, args: MyHours) -> Reply:
    """The requester's entries of one month, numbered for correction, with totals."""
    year, month = args.mois or (ctx.today().year, ctx.today().month)
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    entries = hours.month_entries(ctx.session, ctx.person.id, start, end)
    title = _("Your hours, {month}").format(month=f"{month:02d}/{year}")
    if not entries:
        return Reply(title=title, text=_("No hours logged that month. Log some with: hours 1 3h30"))
    table = Table(
        columns=["N°", _("Date"), _("Project"), _("Duration"), _("Value"), _("Activity")],
        rows=[
            [
                str(e.id),
                format_day(e.worked_on),
                shorten(e.title, 30),
                format_duration(e.minutes),
                format_cents(hours.value_cents(e.minutes, e.rate_cents)),
                shorten(e.activity, 30),
            ]
            for e in entries
        ],
        numeric=[0, 3, 4],
    )
    reply = Reply(title=title, table=table)
    for week, minutes in _weeks(hours.daily_minutes(ctx.session, ctx.person.id, start, end)):
        reply.add_field(_("Week {week}").format(week=week), format_hours_total(minutes))
    month_total = hours.person_total(ctx.session, ctx.person.id, start, end)
    reply.add_field(
        _("Month"), f"{format_hours_total(month_total.minutes)} — {format_cents(month_total.value_cents)}"
    )
    reply.notes.append(_("Correct an entry: correct <n> duration:2h — delete one: delete <n>"))
    return reply


def _weeks(days: list[tuple[date, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for day, minutes in days:
        monday = day - timedelta(days=day.weekday())
        label = f"{day.isocalendar().week} ({format_day(monday)})"
        totals[label] = totals.get(label, 0) + minutes
    return list(totals.items())


class EntryRef(Arguments):
    numero: RowNumber = option(..., aliases=("number", "n"), help=N_("the entry's number, shown by myhours"))


class CorrectEntry(EntryRef):
    duree: Duration | None = option(None, aliases=("duration",))
    date: Day | None = option(None)
    activite: ShortText | None = option(None, aliases=("activity",))


def _own_entry(ctx: CommandContext, number: int) -> HourEntry:
    entry = hours.get(ctx.session, number)
    if entry is None or entry.person_id != ctx.person.id:
        raise NotFound(
            _("You have no hour entry number {number}.").format(number=number),
            hint=_("Your entries and their numbers: myhours"),
        )
    project = projects.find(ctx.session, str(entry.project_id))
    if project is not None:
        require_open(ctx.person, project, correcting=True)
    return entry


@family.command(
    "corriger",
    "correct",
    arguments=CorrectEntry,
    positionals=("numero",),
    summary=N_("Correct one of your hour entries"),
    example="corriger 12 duree:2h30 date:03/06/2016",
    example_en="correct 12 duree:2h30 date:03/06/2016",
)
def correct(ctx: CommandContext, args: CorrectEntry) -> Reply:
    """Change the duration, date or activity of an own entry."""
    entry = _own_entry(ctx, args.numero)
    if args.duree is None and args.date is None and args.activite is None:
        raise InvalidInput(_("Nothing to change: give duree:, date: or activite:."))
    before = _snapshot(entry)
    minutes, day = args.duree or entry.minutes, args.date or entry.worked_on
    _check_day(ctx, day, minutes, excluding=entry.id)
    entry.minutes, entry.worked_on = minutes, day
    if args.activite is not None:
        entry.activity = args.activite
    entry.updated_at = ctx.now()
    ctx.audit("hours", entry.id, "update", before, _snapshot(entry))
    return Reply(
        text=_("Entry {entry} is now {duration} on {day}.").format(
            entry=entry.id, duration=format_duration(minutes), day=format_day(day)
        )
    )


@family.command(
    "supprimer",
    "delete",
    arguments=EntryRef,
    positionals=("numero",),
    summary=N_("Delete one of your hour entries"),
    example="supprimer 12",
    example_en="delete 12",
)
def delete(ctx: CommandContext, args: EntryRef) -> Reply:
    """Remove an own entry (kept in the audit trail)."""
    entry = _own_entry(ctx, args.numero)
    if entry.worked_on < ctx.today() - timedelta(days=366):
        raise Conflict(_("Entries older than a year are kept; ask a coordinator to correct the budget."))
    ctx.audit("hours", entry.id, "delete", _snapshot(entry), None)
    ctx.session.delete(entry)
    return Reply(
        text=_("Entry {entry} deleted ({duration} on {day}).").format(
            entry=args.numero, duration=format_duration(entry.minutes), day=format_day(entry.worked_on)
        )
    )
