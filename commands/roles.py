"""Roles and profiles: admins grant roles; everyone sets their language, service and category."""

from __future__ import annotations

from labbot import states
from labbot.arguments import Arguments, CivilCategory, HourlyRate, LanguageCode, Name, Region, Role, option
from labbot.context import CommandContext
from labbot.errors import Forbidden, InvalidInput
from labbot.i18n import N_, _, format_cents, use_locale
from labbot.messages import Reply
from labbot.naming import person_named
from labbot.policy import require_profile_view, require_valuation_change
from labbot.registry import CommandFamily
from labbot.storage.models import Person
from labbot.valuation import hourly_rate_cents
from labbot.vocabulary import LANGUAGE_NAMES, REGIONS, ROLES

family = CommandFamily("roles")


def find_user(ctx: CommandContext, ref: str, *, known_only: bool = False) -> Person:
    """The one person `ref` names (see labbot.naming)."""
    return person_named(ctx.session, ctx.request.platform, ref, ctx.now(), known_only=known_only)


class RoleChange(Arguments):
    utilisateur: Name = option(..., aliases=("user",), help=N_("@name, or platform:id"))
    role: Role = option(..., help=N_("{choices}"))
    region: Region | None = option(None, help=N_("the region a coordinator coordinates"))


@family.command(
    "role",
    "grant",
    arguments=RoleChange,
    positionals=("utilisateur", "role"),
    role=states.Role.ADMIN,
    summary=N_("Grant a role (administrators)"),
    example="role @claire coordinateur region:bretagne",
    example_en="grant @claire coordinator region:bretagne",
)
def grant(ctx: CommandContext, args: RoleChange) -> Reply:
    """Set someone's role, and the region they coordinate."""
    if args.role == states.Role.COORDINATOR and args.region is None:
        raise InvalidInput(_("region is missing: a coordinator coordinates one region."))
    person = find_user(ctx, args.utilisateur)
    if person.id == ctx.person.id and args.role != states.Role.ADMIN:
        raise Forbidden(_("You cannot remove your own administrator role; ask another administrator."))
    before = {"role": person.role, "region": person.region}
    person.role = args.role
    person.region = args.region if args.role == states.Role.COORDINATOR else person.region
    ctx.audit("person", person.id, "role", before, {"role": person.role, "region": person.region})
    ctx.notify(
        person, lambda: Reply(text=_("Your labbot role is now {role}.").format(role=ROLES.label(args.role)))
    )
    where = f" ({REGIONS.label(args.region)})" if args.role == states.Role.COORDINATOR and args.region else ""
    return Reply(
        text=_("{name} is now {role}{where}.").format(
            name=person.display_name, role=ROLES.label(args.role), where=where
        )
    )


class ProfileArgs(Arguments):
    utilisateur: Name | None = option(
        None, aliases=("user",), help=N_("someone else (coordinators, administrators)")
    )
    categorie: CivilCategory | None = option(
        None, aliases=("category",), help=N_("civil-service category: {choices}")
    )
    taux: HourlyRate | None = option(
        None, aliases=("rate",), help=N_("own hourly rate in €, set by a coordinator")
    )
    langue: LanguageCode | None = option(None, aliases=("language", "lang"), help=N_("{choices}"))
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
    person = find_user(ctx, args.utilisateur, known_only=True) if args.utilisateur else ctx.person
    other = person.id != ctx.person.id
    require_profile_view(ctx.session, ctx.person, person)
    if args.categorie is not None or args.taux is not None:
        require_valuation_change(ctx.session, ctx.person, person)
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
    if args.langue is not None:
        # Whoever just chose a language reads the answer in it.
        with use_locale(args.langue):
            return _profile_card(ctx, person)
    return _profile_card(ctx, person)


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
    language = LANGUAGE_NAMES.label(person.language) if person.language else _("automatic")
    reply.add_field(_("Language"), language)
    reply.add_field(_("Accounts"), ", ".join(f"{i.platform}:{i.external_id}" for i in person.identities))
    return reply
