"""Help: the commands a user may run, each with an example, generated from the declarations."""

from __future__ import annotations

from slugify import slugify

from labbot.arguments import Arguments, field_aliases, field_help, option
from labbot.context import CommandContext
from labbot.errors import NotFound
from labbot.i18n import N_, Language, _
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
    reply.text = _(
        "Type a command after /lab. Values with spaces go in quotes. “{help} <command>” details one."
    ).format(help=_HELP_VERBS[ctx.language])
    for spec in allowed:
        reply.add_field(
            spec.verb(ctx.language), f"{_(spec.summary)}\n{spec.example_in(ctx.language, ctx.today())}"
        )
    reply.notes.append(_("Your role: {role}.").format(role=ROLES.label(ctx.person.role)))
    return reply


def _detail(ctx: CommandContext, verb: str) -> Reply:
    spec = ctx.registry.find(verb)
    if spec is None and slugify(verb) in _SHARE_VERBS.values():
        return _share_help(ctx)
    if spec is None:
        suggestions = ctx.registry.closest(verb, ctx.person.role)
        hint = _("Did you mean: {verbs}?").format(verbs=", ".join(suggestions)) if suggestions else None
        raise NotFound(_("Unknown command “{verb}”.").format(verb=verb), hint=hint)
    reply = Reply(title=spec.verb(ctx.language), text=_(spec.summary))
    reply.add_field(_("Usage"), spec.usage(ctx.language))
    keys = _describe_keys(spec, ctx.language)
    if keys:
        reply.add_field(_("Keys"), keys)
    reply.add_field(_("Example"), spec.example_in(ctx.language, ctx.today()))
    other = spec.name if ctx.language == "en" else spec.alias
    reply.notes.append(_("Also: {verb}. Role needed: {role}.").format(verb=other, role=ROLES.label(spec.role)))
    return reply


def _describe_keys(spec: CommandSpec, language: Language) -> str:
    lines = []
    for name, info in spec.arguments.model_fields.items():
        if not info.description:
            continue
        key = spec.key(name, language)
        others = [other for other in (name, *field_aliases(info)) if other != key]
        also = f" ({', '.join(others)})" if others else ""
        lines.append(f"{key}{also}: {field_help(info)}")
    return "\n".join(lines)


# `publier <command>` is no command of its own: the engine reads it before the verb (labbot/engine.py).
_SHARE_VERBS: dict[Language, str] = {"fr": "publier", "en": "share"}
_HELP_VERBS: dict[Language, str] = {"fr": "aide", "en": "help"}


def _share_help(ctx: CommandContext) -> Reply:
    verb, other = _SHARE_VERBS[ctx.language], _SHARE_VERBS["en" if ctx.language == "fr" else "fr"]
    project = "project" if ctx.language == "en" else "projet"
    reply = Reply(
        title=verb,
        text=_("Post the reply of a command that shows something to the channel, for everyone to read."),
    )
    reply.add_field(_("Usage"), f"{verb} <{_('command')}>")
    reply.add_field(_("Example"), f"{verb} {project} 1")
    reply.notes.append(_("Commands that change data cannot be shared. Also: {verb}.").format(verb=other))
    return reply
