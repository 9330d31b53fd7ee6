"""Partner meetings: log them per project and see which of the call's six partner categories are covered."""

from __future__ import annotations

from labbot.arguments import Day, Duration, LongText, Name, OneProject, PartnerCategory, option
from labbot.context import CommandContext
from labbot.errors import InvalidInput
from labbot.i18n import N_, _, format_day, format_duration
from labbot.messages import Reply, Table
from labbot.policy import project_or_refuse, require_open, require_team_or_oversight
from labbot.registry import CommandFamily
from labbot.storage import meetings
from labbot.storage.models import PartnerMeeting
from labbot.text import shorten
from labbot.vocabulary import PARTNER_CATEGORIES

family = CommandFamily("meetings")


class NewMeeting(OneProject):
    partenaire: Name = option(
        ...,
        aliases=("partner",),
        help=N_("the partner's name"),
        label=N_("Partner"),
        example="Pôle emploi Bretagne",
    )
    categorie: PartnerCategory = option(
        ...,
        aliases=("category",),
        help=N_("{choices}"),
        label=N_("Partner category"),
    )
    date: Day | None = option(None, help=N_("when it took place; today by default"), label=N_("Date"))
    duree: Duration | None = option(
        None, aliases=("duration",), help=N_("how long, e.g. 1h30"), label=N_("Duration"), example="1h30"
    )
    notes: LongText = option("", help=N_("what was said or agreed"), label=N_("Notes"))


@family.command(
    "reunion",
    "meeting",
    arguments=NewMeeting,
    positionals=("projet",),
    form=N_("Partner meeting"),
    summary=N_("Log a meeting with a partner"),
    example='reunion 1 partenaire:"Pôle emploi Bretagne" categorie:operateur date:03/06/2016 duree:1h30',
    example_en='meeting 1 partenaire:"Pôle emploi Bretagne" categorie:operator date:03/06/2016 duree:1h30',
)
def log_meeting(ctx: CommandContext, args: NewMeeting) -> Reply:
    """Record the meeting; the team and the region's coordinators may."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    require_open(ctx.person, project)
    day = args.date or ctx.today()
    if day > ctx.today():
        raise InvalidInput(_("date: {day} is in the future; log meetings once held.").format(day=format_day(day)))
    meeting = PartnerMeeting(
        project_id=project.id,
        logged_by_id=ctx.person.id,
        partner=args.partenaire,
        category=args.categorie,
        held_on=day,
        minutes=args.duree,
        notes=args.notes,
        created_at=ctx.now(),
    )
    ctx.session.add(meeting)
    ctx.session.flush()
    covered = meetings.coverage(ctx.session, project.id)
    reply = Reply(
        text=_("Meeting with {partner} ({category}) logged for #{number} on {day}.").format(
            partner=args.partenaire,
            category=PARTNER_CATEGORIES.label(args.categorie),
            number=project.id,
            day=format_day(day),
        )
    )
    reply.notes.append(_coverage_line(covered))
    return reply


def _coverage_line(covered: dict[str, int]) -> str:
    missing = [PARTNER_CATEGORIES.label(k) for k in PARTNER_CATEGORIES.codes() if k not in covered]
    line = _("Partner categories met: {count}/6.").format(count=len(covered))
    return line + (" " + _("Not yet: {missing}.").format(missing=" / ".join(missing)) if missing else "")


@family.command(
    "partenaires",
    "partners",
    arguments=OneProject,
    positionals=("projet",),
    writes=False,
    summary=N_("A project's partner meetings and category coverage"),
    example="partenaires 1",
    example_en="partners 1",
)
def list_meetings(ctx: CommandContext, args: OneProject) -> Reply:
    """Coverage of the six categories, then the latest meetings."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    covered = meetings.coverage(ctx.session, project.id)
    reply = Reply(title=_("Partners of #{number} {title}").format(number=project.id, title=project.title))
    for term in PARTNER_CATEGORIES:
        count = covered.get(term.key, 0)
        reply.add_field(("✅ " if count else "⬜ ") + term.display(), str(count))
    rows = [
        [
            format_day(m.held_on),
            shorten(m.partner, 40),
            PARTNER_CATEGORIES.label(m.category),
            format_duration(m.minutes) if m.minutes else "—",
            shorten(m.notes, 50),
        ]
        for m in meetings.of_project(ctx.session, project.id)
    ]
    if rows:
        reply.table = Table(columns=[_("Date"), _("Partner"), _("Category"), _("Duration"), _("Notes")], rows=rows)
    reply.notes.append(_coverage_line(covered))
    return reply
