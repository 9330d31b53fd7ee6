"""Labs that learn from each other: search projects of every region by their text and by facets."""

from __future__ import annotations

from labbot.arguments import Arguments, Competence, PartnerCategory, Region, Status, option
from labbot.context import CommandContext
from labbot.i18n import N_, _, ngettext
from labbot.lifecycle import STATUSES
from labbot.messages import Reply
from labbot.registry import CommandFamily
from labbot.search import extract, query_stems
from labbot.storage import labs
from labbot.storage.labs import LabFilters, LabHit
from labbot.text import shorten
from labbot.vocabulary import METHODS, PARTNER_CATEGORIES, REGIONS

family = CommandFamily("labs")
RESULTS = 10


class LabSearch(Arguments):
    mots: str = option("", aliases=("words",), help=N_("words of the title, summary or hallmarks"))
    region: Region | None = option(None, help=N_("only this region"))
    methode: str | None = option(None, aliases=("method",), help=N_("a method, e.g. design, open data"))
    competence: Competence | None = option(None, help=N_("someone on the team brings it"))
    partenaire: PartnerCategory | None = option(
        None, aliases=("partner",), help=N_("a partner category met (among the projects whose partners you see)")
    )
    statut: Status | None = option(None, aliases=("status",), help=N_("only this status"))


@family.command(
    "labs",
    "labs",
    arguments=LabSearch,
    positionals=("mots",),
    greedy=True,
    writes=False,
    summary=N_("Find the labs of every region that did what you plan: by words and by facets"),
    example="labs atelier usagers methode:design region:bretagne",
    example_en="labs user workshop method:design region:bretagne",
)
def search_labs(ctx: CommandContext, args: LabSearch) -> Reply:
    """Projects matching the words (best first) and facets, each with its region, status, methods, partner
    categories and lead; only what the viewer may read is searched and shown."""
    method = args.methode
    if method is not None:
        term = METHODS.find(method)
        method = term.key if term else method  # the call's list of methods is open: kept as typed
    stems = query_stems(args.mots)
    filters = LabFilters(args.region, method, args.competence, args.partenaire, args.statut)
    hits = labs.search(ctx.session, ctx.person, args.mots, stems, filters, limit=RESULTS)
    if not hits:
        reply = Reply(text=_("No project matches."))
        reply.notes.append(_("Fewer words or facets find more; all the projects of a region: projects region:<r>"))
        return reply
    reply = Reply(title=ngettext("{n} lab", "{n} labs", len(hits)).format(n=len(hits)))
    for hit in hits:
        lines = [_passage(hit, stems)] if args.mots else []
        if hit.methods:
            lines.append(_("Methods: {methods}").format(methods=", ".join(METHODS.label(m) for m in hit.methods)))
        if hit.readable:
            met = ", ".join(PARTNER_CATEGORIES.label(c) for c in hit.categories) or "—"
        else:
            # What the public card shows of partners: how many categories were met, not which.
            count = len(hit.categories)
            met = ngettext("{count} of {total} categories", "{count} of {total} categories", count).format(
                count=count, total=len(PARTNER_CATEGORIES.terms)
            )
        lines.append(_("Partners met: {categories}").format(categories=met))
        lines.append(_("Contact: {lead}").format(lead=hit.lead or "—"))
        reply.add_field(
            f"#{hit.id} {hit.title} — {REGIONS.label(hit.region)}, {STATUSES.label(hit.status)}",
            "\n".join(line for line in lines if line),
        )
    reply.notes.append(_("The whole card: project <n>"))
    return reply


def _passage(hit: LabHit, stems: list[str]) -> str:
    return extract(hit.summary, stems) or extract(hit.title, stems) or shorten(hit.summary, 160)
