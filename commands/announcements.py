"""Announcements (administrators): preview, confirm, schedule, list, cancel; delivered through the outbox."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated

from labbot.arguments import Arguments, Choices, LongText, Ref, Region, option, term_of, typed_key
from labbot.clock import PARIS
from labbot.context import CommandContext
from labbot.errors import Conflict, InvalidInput, NotFound
from labbot.i18n import N_, _, current_language, format_moment, ngettext, or_list
from labbot.messages import Action, Reply, Table
from labbot.parsing import parse_day
from labbot.policy import project_or_refuse
from labbot.registry import CommandFamily
from labbot.scheduling.audience import announcement_reach
from labbot.states import DeliveryState, Role
from labbot.storage import announcements, events, outbox
from labbot.storage.models import Announcement
from labbot.text import shorten
from labbot.vocabulary import REGIONS, Term, Vocabulary

family = CommandFamily("announcements")
_ACTION = re.compile(r"^(confirmer|confirm|annuler|cancel)\s+#?(\d{1,9})$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})(?:[h:](\d{2})?)?$")
# Relative, so that the example is never in the past.
_MOMENT_EXAMPLES = {"fr": 'quand:"demain 09:30"', "en": 'when:"tomorrow 09:30"'}


def parse_moment(text: str, today: date) -> datetime:
    """`12/06/2016 09:30`, `2016-06-12T09:30`, `demain 14h`; a bare day means 09:00 (Paris)."""
    day_text, _sep, time_text = text.strip().replace("T", " ").partition(" ")
    tomorrow = day_text.lower() in ("demain", "tomorrow")
    day = today + timedelta(days=1) if tomorrow else parse_day(day_text, today)
    found = _TIME.match(time_text.strip().lower().removeprefix("à ").strip() or "9")
    if not found or int(found.group(1)) > 23 or int(found.group(2) or 0) > 59:
        raise InvalidInput(_("“{value}” is not a time.").format(value=shorten(time_text, 20)))
    return datetime.combine(day, time(int(found.group(1)), int(found.group(2) or 0)), tzinfo=PARIS)


# `a:tous`: everyone, the one audience named by a word rather than by a region, event, project or channel.
EVERYONE = Vocabulary(Term("tous", N_("everyone"), english="all"))


class AnnounceArgs(Arguments):
    texte: LongText = option(..., aliases=("text",), help=N_("the message, in quotes"))
    a: Annotated[str, term_of(EVERYONE, N_("audience")), Choices(EVERYONE)] | None = option(
        None, aliases=("to",), help=N_("{choices}: everyone")
    )
    region: Region | None = option(None, help=N_("every agent and lab channel of a region"))
    evenement: str | None = option(None, aliases=("event",), help=N_("the people registered for an event"))
    projet: Ref | None = option(None, aliases=("project",), help=N_("a project's team and channels"))
    canal: str | None = option(None, aliases=("channel",), help=N_("one registered lab channel, by name"))
    quand: str | None = option(None, aliases=("when",), help=N_("date and time in Paris; now by default"))


@family.command(
    "annonce",
    "announce",
    arguments=AnnounceArgs,
    positionals=("texte",),
    greedy=True,
    role=Role.ADMIN,
    summary=N_("Announce to everyone, a region, an event, a project or a channel (preview, then confirm)"),
    example='annonce "Dépôt des dossiers le 30/09" region:bretagne quand:"{soon} 09:30"',
    example_en='announce "Files are due on 30/09" region:bretagne when:"{soon} 09:30"',
)
def announce(ctx: CommandContext, args: AnnounceArgs) -> Reply:
    """Draft an announcement and show its preview; `annonce confirmer|annuler <n>` acts on one."""
    if not args.texte:
        # An empty text would go out as blank messages to everyone it reaches.
        raise InvalidInput(_("texte: the announcement is empty."), field="texte")
    if found := _ACTION.match(args.texte):
        number = int(found.group(2))
        if found.group(1).lower() in ("confirmer", "confirm"):
            return _confirm(ctx, number)
        return _cancel(ctx, number)
    audience, value = _audience(ctx, args)
    due = _due(ctx, args.quand) if args.quand else ctx.now()
    if args.quand and due <= ctx.now():
        raise InvalidInput(
            _("quand: {moment} is already past.").format(moment=format_moment(due)),
            hint=_("Give a date and a time in Paris, e.g. {example}").format(
                example=_MOMENT_EXAMPLES[current_language()]
            ),
            field="quand",
        )
    draft = Announcement(
        author_id=ctx.person.id,
        text=args.texte,
        audience=audience,
        audience_value=value,
        state="brouillon",
        due_at=due,
        created_at=ctx.now(),
    )
    ctx.session.add(draft)
    ctx.session.flush()
    return _preview(ctx, draft, scheduled=bool(args.quand))


def _due(ctx: CommandContext, text: str) -> datetime:
    try:
        return parse_moment(text, ctx.today())
    except InvalidInput as error:
        raise InvalidInput(
            _("quand: {message}").format(message=error.message),
            hint=_("Give a date and a time in Paris."),
            field="quand",
        ) from None


def _audience(ctx: CommandContext, args: AnnounceArgs) -> tuple[str, str]:
    named = {"region": args.region, "evenement": args.evenement, "projet": args.projet, "canal": args.canal}
    given = [(k, v) for k, v in named.items() if v]
    if len(given) + (args.a is not None) > 1:
        everyone = f"{typed_key(AnnounceArgs, 'a')}:{EVERYONE.typed('tous')}"
        keys = [f"{typed_key(AnnounceArgs, key)}:" for key in named]
        raise InvalidInput(_("Choose one audience: {choices}.").format(choices=or_list([everyone, *keys])))
    if not given:
        return "tous", ""
    audience, value = given[0]
    if audience == "evenement" and events.find(ctx.session, value) is None:
        raise NotFound(_("No event “{key}”.").format(key=shorten(value, 40)), hint=_("See: events"))
    if audience == "projet":
        value = str(project_or_refuse(ctx.session, value).id)
    if audience == "canal" and not announcements.channels_of(ctx.session, "canal", value):
        raise NotFound(
            _("No lab channel named “{name}”.").format(name=shorten(value, 40)),
            hint=_("Register one by typing “channel add” in it."),
        )
    return audience, value


def _describe(item: Announcement) -> str:
    if item.audience == "tous":
        return _("everyone")
    if item.audience == "region":
        return REGIONS.label(item.audience_value)
    labels = {"evenement": _("event {key}"), "projet": _("project #{key}"), "canal": _("channel {key}")}
    return labels[item.audience].format(key=item.audience_value)


def _preview(ctx: CommandContext, draft: Announcement, *, scheduled: bool) -> Reply:
    people, channels = announcement_reach(ctx.session, draft)
    when = format_moment(draft.due_at) if scheduled else _("as soon as confirmed")
    reply = Reply(title=_("Announcement {number} (draft)").format(number=draft.id), text=draft.text)
    reply.add_field(_("To"), _describe(draft))
    reply.add_field(_("Recipients"), _reach(people, channels))
    reply.add_field(_("When"), when)
    reply.actions = [
        Action(label=_("Confirm"), command=f"annonce confirmer {draft.id}", style="primary"),
        Action(label=_("Discard"), command=f"annonce annuler {draft.id}", style="danger"),
    ]
    reply.notes.append(_("Nothing is sent until you confirm: announce confirm {number}").format(number=draft.id))
    return reply


def _locked(ctx: CommandContext, number: int) -> Announcement:
    item = announcements.lock(ctx.session, number)
    if item is None:
        raise NotFound(_("No announcement {number}.").format(number=number), hint=_("See: announcements"))
    return item


def _confirm(ctx: CommandContext, number: int) -> Reply:
    item = _locked(ctx, number)
    if item.state != "brouillon":
        raise Conflict(
            _("Announcement {number} is already {state}.").format(number=number, state=_state(item.state))
        )
    item.state, item.confirmed_at = "planifiee", ctx.now()
    item.due_at = max(item.due_at, ctx.now())
    people, channels = announcement_reach(ctx.session, item)
    return Reply(
        text=_("Announcement {number} confirmed: {reach}, from {when}. You will get a delivery report.").format(
            number=number, reach=_reach(people, channels), when=format_moment(item.due_at)
        )
    )


def _cancel(ctx: CommandContext, number: int) -> Reply:
    item = _locked(ctx, number)
    if item.state in ("brouillon", "planifiee"):
        item.state = "annulee"
        return Reply(text=_("Announcement {number} is cancelled; nothing was sent.").format(number=number))
    if item.state == "envoyee" and item.message_id is not None:
        stopped = outbox.cancel_open(ctx.session, item.message_id)
        return Reply(
            text=ngettext(
                "Announcement {number} was already going out; {count} delivery not yet made is cancelled.",
                "Announcement {number} was already going out; {count} deliveries not yet made are cancelled.",
                stopped,
            ).format(number=number, count=stopped)
        )
    raise Conflict(_("Announcement {number} is already {state}.").format(number=number, state=_state(item.state)))


def _reach(people: int, channels: int) -> str:
    """`1 person, 0 channels`, in the request's language with its plural rules."""
    return _("{people}, {channels}").format(
        people=ngettext("{count} person", "{count} people", people).format(count=people),
        channels=ngettext("{count} channel", "{count} channels", channels).format(count=channels),
    )


def _state(state: str) -> str:
    labels = {
        "brouillon": _("draft"),
        "planifiee": _("scheduled"),
        "envoyee": _("sent"),
        "annulee": _("cancelled"),
        "manquee": _("missed (labbot was down)"),
    }
    return labels.get(state, state)


@family.command(
    "annonces",
    "announcements",
    role=Role.ADMIN,
    writes=False,
    summary=N_("Scheduled and past announcements, with their deliveries"),
    example="annonces",
    example_en="announcements",
)
def list_announcements(ctx: CommandContext, _args: Arguments) -> Reply:
    """The latest announcements, with sent / pending / failed counts."""
    items = announcements.recent(ctx.session)
    if not items:
        return Reply(title=_("Announcements"), text=_('No announcement yet. Example: announce "Hello" a:tous'))
    counts = outbox.counts(ctx.session, [i.message_id for i in items if i.message_id])
    rows = []
    for item in items:
        mine = counts.get(item.message_id or 0, {})
        rows.append(
            [
                str(item.id),
                _state(item.state),
                format_moment(item.due_at),
                _describe(item),
                shorten(item.text, 40),
                str(mine.get(DeliveryState.SENT, 0)),
                str(mine.get(DeliveryState.PENDING, 0) + mine.get(DeliveryState.SENDING, 0)),
                str(mine.get(DeliveryState.FAILED, 0)),
            ]
        )
    columns = ["N°", _("State"), _("When"), _("To"), _("Text"), _("Sent"), _("Pending"), _("Failed")]
    return Reply(title=_("Announcements"), table=Table(columns=columns, rows=rows, numeric=[0, 5, 6, 7]))
