"""Lab channels subscribed to announcements (`canal ajouter`), and muting optional reminders (`rappels`)."""

from __future__ import annotations

from typing import Annotated

from labbot.arguments import Arguments, Choices, Name, Ref, Region, option, term_of
from labbot.context import CommandContext
from labbot.errors import InvalidInput, NotFound
from labbot.i18n import N_, _
from labbot.messages import Reply
from labbot.policy import project_or_refuse, require_channel_subscription
from labbot.registry import CommandFamily
from labbot.states import Role
from labbot.storage import announcements
from labbot.storage.models import LabChannel
from labbot.vocabulary import REGIONS, Term, Vocabulary

family = CommandFamily("subscriptions")


CHANNEL_ACTIONS = Vocabulary(
    Term("ajouter", N_("add the channel"), english="add"),
    Term("retirer", N_("remove the channel"), english="remove"),
)
REMINDER_STATES = Vocabulary(Term("on", N_("reminders on")), Term("off", N_("reminders off")))


class ChannelArgs(Arguments):
    action: Annotated[str, term_of(CHANNEL_ACTIONS, N_("channel action")), Choices(CHANNEL_ACTIONS)] = option(
        ..., help=N_("{choices}")
    )
    region: Region | None = option(None, help=N_("the region whose announcements the channel gets"))
    projet: Ref | None = option(None, aliases=("project",), help=N_("the project whose announcements it gets"))
    nom: Name | None = option(None, aliases=("name",), help=N_("the name announcements use for this channel"))


@family.command(
    "canal",
    "channel",
    arguments=ChannelArgs,
    positionals=("action",),
    role=Role.AGENT,
    summary=N_("In a channel: subscribe it to a region's or a project's announcements (or unsubscribe it)"),
    example="canal ajouter region:bretagne nom:lab-bretagne",
    example_en="channel add region:bretagne nom:lab-bretagne",
)
def channel(ctx: CommandContext, args: ChannelArgs) -> Reply:
    """Register the current channel as a lab channel, or remove it."""
    channel_id = ctx.request.channel_id
    if not channel_id:
        raise InvalidInput(
            _("Type this command in the channel to subscribe (not in a direct message or the console).")
        )
    existing = announcements.channel(ctx.session, ctx.request.platform, channel_id)
    if args.action == "retirer":
        if existing is None:
            raise NotFound(_("This channel is not subscribed."))
        current = project_or_refuse(ctx.session, str(existing.project_id)) if existing.project_id else None
        require_channel_subscription(ctx.session, ctx.person, existing, existing.region, current)
        ctx.session.delete(existing)
        return Reply(text=_("This channel no longer receives announcements."))
    if (args.region is None) == (args.projet is None):
        raise InvalidInput(_("Give either region: or projet:."), field="region")
    project = project_or_refuse(ctx.session, args.projet) if args.projet else None
    project_id = project.id if project else None
    require_channel_subscription(ctx.session, ctx.person, existing, args.region, project)
    item = existing or LabChannel(platform=ctx.request.platform, channel_id=channel_id, created_at=ctx.now())
    item.region, item.project_id, item.added_by_id = args.region, project_id, ctx.person.id
    item.name = (args.nom or (ctx.request.channel_name or channel_id)).lstrip("#~")
    ctx.session.add(item)
    what = REGIONS.label(args.region) if args.region else _("project #{number}").format(number=project_id)
    return Reply(
        text=_("This channel ({name}) now receives the announcements of {what}.").format(name=item.name, what=what)
    )


class ReminderSwitch(Arguments):
    etat: Annotated[str, term_of(REMINDER_STATES, N_("reminder state")), Choices(REMINDER_STATES)] = option(
        ..., aliases=("state",), help=N_("{choices}")
    )


@family.command(
    "rappels",
    "reminders",
    arguments=ReminderSwitch,
    positionals=("etat",),
    summary=N_("Turn optional reminders off or on (announcements always reach you)"),
    example="rappels off",
    example_en="reminders off",
)
def reminders(ctx: CommandContext, args: ReminderSwitch) -> Reply:
    """Mute or unmute automatic reminders for the requester."""
    ctx.person.reminders_muted = args.etat == "off"
    if ctx.person.reminders_muted:
        return Reply(
            text=_("Reminders are off. SGMAP's announcements still reach you. Turn them back on: reminders on")
        )
    return Reply(text=_("Reminders are on: events, weekly hours, deadlines and digests."))
