"""Roles and profiles: admins grant roles; everyone sets their language, service and category."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from labbot.arguments import Arguments, HourlyRate, Name, Region, Role, option
from labbot.context import CommandContext
from labbot.errors import Forbidden, InvalidInput, NotFound
from labbot.i18n import N_, _, format_cents
from labbot.messages import Reply
from labbot.registry import CommandFamily
from labbot.storage import people, projects
from labbot.storage.models import Person
from labbot.valuation import hourly_rate_cents
from labbot.vocabulary import REGIONS, ROLES

family = CommandFamily("roles")
# Ids that platforms give people, so a role can be granted before their first message.
_PLATFORMS = ("console", "slack", "mattermost")


def find_user(ctx: CommandContext, ref: str, *, create: bool) -> Person:
    """The person `ref` names: `platform:id`, `@name`, or a name on the requester's platform."""
    platform, _sep, external = ref.partition(":")
    if not (platform in _PLATFORMS and external):
        platform, external = ctx.request.platform, ref.lstrip("@")
    person = people.by_identity(ctx.session, platform, external) or people.by_name(ctx.session, platform, external)
    if person is None and create and external:
        person = people.create(ctx.session, platform, external, display_name=external, email=None, now=ctx.now())
    if person is None:
        raise NotFound(
            _("No user “{ref}” is known to labbot yet.").format(ref=ref),
            hint=_("Use their id with the platform, e.g. slack:U0123ABCD, or ask them to say “aide” once."),
        )
    return person


class RoleChange(Arguments):
    utilisateur: Name = option(..., aliases=("user",), help=N_("@name, or platform:id"))
    role: Role = option(..., help=N_("agent, coordinateur or admin"))
    region: Region | None = option(None, help=N_("the region a coordinator coordinates"))


@family.command(
    "role",
    "grant",
    arguments=RoleChange,
    positionals=("utilisateur", "role"),
    role="admin",
    summary=N_("Grant a role (administrators)"),
    example="role @claire coordinateur region:bretagne",
    example_en="grant @claire coordinateur region:bretagne",
)
def grant(ctx: CommandContext, args: RoleChange) -> Reply:
    """Set someone's role, and the region they coordinate."""
    if args.role == "coordinateur" and args.region is None:
        raise InvalidInput(_("region is missing: a coordinator coordinates one region."))
    person = find_user(ctx, args.utilisateur, create=True)
    if person.id == ctx.person.id and args.role != "admin":
        raise Forbidden(_("You cannot remove your own administrator role; ask another administrator."))
    before = {"role": person.role, "region": person.region}
    person.role = args.role
    person.region = args.region if args.role == "coordinateur" else person.region
    ctx.audit("person", person.id, "role", before, {"role": person.role, "region": person.region})
    ctx.notify(
        person, lambda: Reply(text=_("Your labbot role is now {role}.").format(role=ROLES.label(args.role)))
    )
    where = f" ({REGIONS.label(args.region)})" if args.role == "coordinateur" and args.region else ""
    return Reply(
        text=_("{name} is now {role}{where}.").format(
            name=person.display_name, role=ROLES.label(args.role), where=where
        )
    )


class ProfileArgs(Arguments):
    utilisateur: Name | None = option(
        None, aliases=("user",), help=N_("someone else (coordinators, administrators)")
    )
    categorie: Literal["A+", "A", "B", "C"] | None = option(
        None, aliases=("category",), help=N_("civil-service category: A+, A, B or C")
    )
    taux: HourlyRate | None = option(
        None, aliases=("rate",), help=N_("own hourly rate in €, set by a coordinator")
    )
    langue: Literal["fr", "en"] | None = option(None, aliases=("language", "lang"), help=N_("fr or en"))
    service: Name | None = option(None, help=N_("your State service or direction"))
    nom: Name | None = option(None, aliases=("name",), help=N_("the name shown to others"))


@family.command(
    "profil",
    "profile",
    arguments=ProfileArgs,
    positionals=("utilisateur",),
    summary=N_("Show or set a profile: category, rate, language, service"),
    example='profil categorie:A service:"DREAL Bretagne" langue:fr',
    example_en='profile categorie:A service:"DREAL Bretagne" langue:en',
)
def profile(ctx: CommandContext, args: ProfileArgs) -> Reply:
    """Show a profile; change what the requester may change."""
    person = find_user(ctx, args.utilisateur, create=True) if args.utilisateur else ctx.person
    other = person.id != ctx.person.id
    if other:
        _require_manager(ctx.session, ctx, person)
    if args.taux is not None and not ctx.has_role("coordinateur"):
        raise Forbidden(_("Hourly rates are set by coordinators; yours follows your category."))
    if other and (args.langue or args.service or args.nom):
        raise Forbidden(_("Only the person can change their language, service or name."))
    before = {"category": person.category, "hourly_rate_cents": person.hourly_rate_cents}
    for value, column in (
        (args.categorie, "category"),
        (args.taux, "hourly_rate_cents"),
        (args.langue, "language"),
        (args.service, "service"),
        (args.nom, "display_name"),
    ):
        if value is not None:
            setattr(person, column, value)
    after = {"category": person.category, "hourly_rate_cents": person.hourly_rate_cents}
    if after != before:
        ctx.audit("person", person.id, "valuation", before, after)
    return _profile_card(ctx, person)


def _require_manager(session: Session, ctx: CommandContext, person: Person) -> None:
    if ctx.person.role == "admin":
        return
    if (
        ctx.person.role == "coordinateur"
        and ctx.person.region
        and any(p.region == ctx.person.region for p in projects.of_person(session, person.id))
    ):
        return
    raise Forbidden(_("You can see the profiles of the people on your region's projects only."))


def _profile_card(ctx: CommandContext, person: Person) -> Reply:
    reply = Reply(title=person.display_name)
    reply.add_field(
        _("Role"), ROLES.label(person.role) + (f" ({REGIONS.label(person.region)})" if person.region else "")
    )
    reply.add_field(_("Service"), person.service or "—")
    category = person.category or ctx.settings.valuation.default_category
    reply.add_field(_("Category"), category + ("" if person.category else " " + _("(default)")))
    rate = format_cents(hourly_rate_cents(person, ctx.settings.valuation))
    reply.add_field(_("Hourly rate"), rate + ("" if person.hourly_rate_cents else " " + _("(from the category)")))
    reply.add_field(_("Language"), {"fr": "français", "en": "English"}.get(person.language or "", _("automatic")))
    reply.add_field(_("Accounts"), ", ".join(f"{i.platform}:{i.external_id}" for i in person.identities))
    return reply
