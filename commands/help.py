"""Help: the commands a user may run, each with an example, generated from the declarations."""

from __future__ import annotations

from labbot.arguments import Arguments, field_aliases, option
from labbot.context import CommandContext
from labbot.errors import NotFound
from labbot.i18n import N_, _
from labbot.messages import Reply
from labbot.registry import CommandFamily, CommandSpec
from labbot.vocabulary import ROLES

family = CommandFamily("help")


class HelpTopic(Arguments):
    verbe: str | None = option(None, aliases=("verb", "commande", "command"), help=N_("a command to detail"))


@family.command(
    "aide",
    "help",
    arguments=HelpTopic,
    positionals=("verbe",),
    writes=False,
    summary=N_("List the commands, or detail one"),
    example="aide heures",
    example_en="help hours",
)
def show_help(ctx: CommandContext, args: HelpTopic) -> Reply:
    """Every command the requester's role allows, or the details of one."""
    if args.verbe:
        return _detail(ctx, args.verbe)
    allowed = ctx.registry.allowed(ctx.person.role)
    reply = Reply(title=_("labbot — commands"))
    reply.text = _("Type a command after /lab. Values with spaces go in quotes. “aide <command>” details one.")
    for spec in allowed:
        reply.add_field(spec.verb(ctx.language), f"{_(spec.summary)}\n{spec.example_in(ctx.language)}")
    reply.notes.append(_("Your role: {role}.").format(role=ROLES.label(ctx.person.role)))
    return reply


def _detail(ctx: CommandContext, verb: str) -> Reply:
    spec = ctx.registry.find(verb)
    if spec is None:
        suggestions = ctx.registry.closest(verb, ctx.person.role)
        hint = _("Did you mean: {verbs}?").format(verbs=", ".join(suggestions)) if suggestions else None
        raise NotFound(_("Unknown command “{verb}”.").format(verb=verb), hint=hint)
    reply = Reply(title=spec.verb(ctx.language), text=_(spec.summary))
    reply.add_field(_("Usage"), spec.usage(ctx.language))
    keys = _describe_keys(spec)
    if keys:
        reply.add_field(_("Keys"), keys)
    reply.add_field(_("Example"), spec.example_in(ctx.language))
    other = spec.name if ctx.language == "en" else spec.alias
    reply.notes.append(_("Also: {verb}. Role needed: {role}.").format(verb=other, role=ROLES.label(spec.role)))
    return reply


def _describe_keys(spec: CommandSpec) -> str:
    lines = []
    for name, info in spec.arguments.model_fields.items():
        if not info.description:
            continue
        aliases = field_aliases(info)
        also = f" ({', '.join(aliases)})" if aliases else ""
        lines.append(f"{name}{also}: {_(info.description)}")
    return "\n".join(lines)
