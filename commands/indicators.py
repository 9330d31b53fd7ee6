"""Evaluation indicators (the fourth hallmark): define them, record measures, follow progress."""

from __future__ import annotations

from commands.charts import ChartView, indicators_chart_reply
from labbot.arguments import Day, EntryNumber, Name, Number, OneProject, ShortText, option
from labbot.context import CommandContext
from labbot.errors import InvalidInput, NotFound
from labbot.evaluation import indicator_columns, indicator_rows, progress, value_text
from labbot.i18n import N_, _, format_day, format_percent
from labbot.messages import Reply, Table
from labbot.policy import project_or_refuse, require_team_or_oversight
from labbot.registry import CommandFamily
from labbot.storage import indicators
from labbot.storage.models import Indicator, IndicatorMeasure, Project
from labbot.text import shorten

family = CommandFamily("indicators")


class NewIndicator(OneProject):
    nom: Name = option(..., aliases=("name",), help=N_("what is measured"))
    unite: ShortText = option("", aliases=("unit",), help=N_("jours, %, dossiers…"))
    reference: Number | None = option(None, aliases=("baseline",), help=N_("the value at the start"))
    cible: Number | None = option(None, aliases=("target",), help=N_("the value aimed at"))
    echeance: Day | None = option(None, aliases=("due",), help=N_("when the target should be reached"))


@family.command(
    "indicateur",
    "indicator",
    arguments=NewIndicator,
    positionals=("projet", "nom"),
    greedy=True,
    summary=N_("Define an evaluation indicator of a project"),
    example='indicateur 1 "Délai de traitement" unite:jours reference:45 cible:30 echeance:31/12/2017',
    example_en='indicator 1 "Processing time" unite:days reference:45 cible:30 echeance:31/12/2017',
)
def define(ctx: CommandContext, args: NewIndicator) -> Reply:
    """Add an indicator, numbered within the project."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    if len(args.unite) > 40:
        raise InvalidInput(_("unite is too long (at most {limit} characters).").format(limit=40), field="unite")
    indicator = Indicator(
        project_id=project.id,
        number=indicators.new_number(ctx.session, project.id),
        name=args.nom,
        unit=args.unite,
        baseline=args.reference,
        target=args.cible,
        due_on=args.echeance,
        created_at=ctx.now(),
    )
    ctx.session.add(indicator)
    ctx.session.flush()
    ctx.audit("indicator", indicator.id, "create", None, {"project_id": project.id, "name": indicator.name})
    return Reply(
        text=_("Indicator {n} of #{number}: {name}. Record a value with: measure {number} {n} <value>").format(
            n=indicator.number, number=project.id, name=indicator.name
        )
    )


class NewMeasure(OneProject):
    numero: EntryNumber = option(..., aliases=("number", "n"), help=N_("the indicator's number (indicators)"))
    valeur: Number = option(..., aliases=("value",), help=N_("12, 12,5 or 1 234,5"))
    date: Day | None = option(None, help=N_("when it was measured; today by default"))


@family.command(
    "mesure",
    "measure",
    arguments=NewMeasure,
    positionals=("projet", "numero", "valeur"),
    summary=N_("Record a value of an indicator"),
    example="mesure 1 1 38 date:30/06/2016",
    example_en="measure 1 1 38 date:30/06/2016",
)
def measure(ctx: CommandContext, args: NewMeasure) -> Reply:
    """Record a measured value of one indicator."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    indicator = _indicator_or_refuse(ctx, project, args.numero)
    day = args.date or ctx.today()
    if day > ctx.today():
        raise InvalidInput(
            _("date: {day} is in the future; record a value once measured.").format(day=format_day(day)),
            field="date",
        )
    entry = IndicatorMeasure(
        indicator_id=indicator.id,
        value=args.valeur,
        measured_on=day,
        recorded_by_id=ctx.person.id,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    ctx.session.flush()
    ctx.audit("indicator", indicator.id, "measure", None, {"value": entry.value, "on": day.isoformat()})
    reply = Reply(
        text=_("{name}: {value} on {day}.").format(
            name=indicator.name, value=value_text(entry.value, indicator.unit), day=format_day(day)
        )
    )
    if (done := progress(indicator, entry.value)) is not None:
        reply.notes.append(_("Progress towards the target: {ratio}.").format(ratio=format_percent(done)))
    return reply


def _indicator_or_refuse(ctx: CommandContext, project: Project, number: int) -> Indicator:
    indicator = indicators.get(ctx.session, project.id, number)
    if indicator is None:
        raise NotFound(
            _("numero: #{number} has no indicator {n}.").format(number=project.id, n=number),
            hint=_("Its indicators and their numbers: indicators {number}").format(number=project.id),
        )
    return indicator


class IndicatorsView(OneProject):
    vue: ChartView | None = option(None, aliases=("view",), help=N_("{choices}: each indicator and its target"))


@family.command(
    "indicateurs",
    "indicators",
    arguments=IndicatorsView,
    positionals=("projet", "vue"),
    writes=False,
    summary=N_("A project's indicators with their latest value, target and progress"),
    example="indicateurs 1",
    example_en="indicators 1",
)
def list_indicators(ctx: CommandContext, args: IndicatorsView) -> Reply:
    """The project's indicators, numbered, with progress towards their targets."""
    project = project_or_refuse(ctx.session, args.projet)
    entries = list(indicators.with_latest(ctx.session, project.id))
    title = _("Indicators of #{number} {title}").format(number=project.id, title=shorten(project.title, 60))
    if not entries:
        return Reply(
            title=title,
            text=_('No indicator yet. Define one with: indicator {number} "Délai de traitement" cible:30').format(
                number=project.id
            ),
        )
    if args.vue:
        return indicators_chart_reply(title, f"indicateurs-{project.id}-{project.slug}", entries)
    rows = [[row[0], shorten(row[1], 40), *row[2:]] for row in indicator_rows(entries)]
    return Reply(title=title, table=Table(columns=indicator_columns(), rows=rows, numeric=[0, 2, 3, 4, 5]))
