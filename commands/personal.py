"""Personal data: `mesdonnees` (everything labbot holds about you), `effacer-mes-donnees` (after a confirmation),
and `effacer <utilisateur>` for administrators. Erasure keeps hours and costs, so no filed total changes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from labbot.arguments import Arguments, Choices, Name, option
from labbot.context import CommandContext
from labbot.errors import InvalidInput
from labbot.exports.files import FileFormat, export_metadata, file_name, spreadsheet
from labbot.i18n import N_, _
from labbot.messages import Action, Attachment, Reply
from labbot.naming import person_named
from labbot.personal_data import personal_record, pseudonym, record_json, record_workbook
from labbot.registry import CommandFamily, NoArguments
from labbot.states import Role
from labbot.storage import personal
from labbot.storage.models import Person
from labbot.text import shorten
from labbot.vocabulary import Term, Vocabulary

family = CommandFamily("personal")
CONFIRMATIONS = Vocabulary(Term("confirmer", N_("confirm"), english="confirm"))


def _confirm_word(value: Any) -> bool:
    if CONFIRMATIONS.find(str(value)) is not None:
        return True
    raise InvalidInput(
        _("“{value}” is not understood here.").format(value=shorten(str(value), 30)),
        hint=_("To go ahead, add: {word}").format(word=CONFIRMATIONS.choices()),
    )


Confirmation = Annotated[bool, BeforeValidator(_confirm_word), Choices(CONFIRMATIONS)]


@family.command(
    "mesdonnees",
    "mydata",
    arguments=NoArguments,
    writes=False,
    summary=N_("Everything labbot holds about you, as a JSON file and a spreadsheet"),
    example="mesdonnees",
    example_en="mydata",
)
def my_data(ctx: CommandContext, _args: NoArguments) -> Reply:
    """The person's record: profile, accounts, roles, hours, meetings, signups, messages, audit entries."""
    record = personal_record(ctx.session, ctx.person)
    metadata = export_metadata(_("Your data in labbot"), ctx.person.display_name, ctx.now(), [])
    book = record_workbook(record, metadata)
    name = f"mes-donnees-{ctx.today().isoformat()}"
    reply = Reply(
        title=_("Your data in labbot"),
        text=_(
            "Here is everything labbot holds about you: profile, accounts, role, teams, hours, meetings you "
            "logged, signups, messages received, questions and the audit entries about you. To erase what can be: "
            "erase-my-data"
        ),
    )
    reply.files.append(
        Attachment(
            filename=file_name(name, extension="json"),
            content=record_json(record),
            media_type="application/json",
            description=_("Your data in labbot"),
        )
    )
    reply.files.append(spreadsheet(book, FileFormat.XLSX, name))
    return reply


class EraseMine(Arguments):
    confirmation: Confirmation | None = option(None, help=N_("{choices}, once you have read what is erased"))


def _what_is_erased() -> str:
    return _(
        "Erased: your name, e-mail, platform accounts, signups, places on teams and the free texts you typed "
        "(activities, questions). Kept: your hours, with your category and rate, under “{pseudonym}”, because "
        "filed budgets count them."
    )


def _erase(ctx: CommandContext, person: Person) -> dict[str, int]:
    name = pseudonym(person)
    counts = personal.erase(ctx.session, person, name)
    ctx.audit("person", person.id, "erase", None, {"pseudonym": name, **counts})
    return counts


@family.command(
    "effacer-mes-donnees",
    "erase-my-data",
    arguments=EraseMine,
    positionals=("confirmation",),
    summary=N_("Erase your personal data (asks for a confirmation first)"),
    example="effacer-mes-donnees confirmer",
    example_en="erase-my-data confirm",
)
def erase_mine(ctx: CommandContext, args: EraseMine) -> Reply:
    """Ask first; erase on `confirmer`."""
    if not args.confirmation:
        reply = Reply(title=_("Erase your data?"), text=_what_is_erased().format(pseudonym=pseudonym(ctx.person)))
        reply.actions.append(
            Action(label=_("Erase my data"), command="effacer-mes-donnees confirmer", style="danger")
        )
        reply.notes.append(_("Or type: erase-my-data confirm"))
        return reply
    name = pseudonym(ctx.person)
    _erase(ctx, ctx.person)
    return Reply(
        text=_("Your personal data is erased. Your hours remain, as “{pseudonym}”.").format(pseudonym=name)
    )


class EraseSomeone(Arguments):
    utilisateur: Name = option(..., aliases=("user",), help=N_("@name or account"))
    confirmation: Confirmation | None = option(None, help=N_("{choices}"))


@family.command(
    "effacer",
    "erase",
    arguments=EraseSomeone,
    positionals=("utilisateur", "confirmation"),
    role=Role.ADMIN,
    summary=N_("Erase someone's personal data (administrators; audited)"),
    example="effacer @bruno confirmer",
    example_en="erase @bruno confirm",
)
def erase_someone(ctx: CommandContext, args: EraseSomeone) -> Reply:
    """An administrator erases a person's data, after a confirmation; the audit trail records who did."""
    person = person_named(ctx.session, ctx.request.platform, args.utilisateur, ctx.now(), known_only=True)
    name = pseudonym(person)
    if not args.confirmation:
        command = f"effacer {args.utilisateur} confirmer"
        reply = Reply(
            title=_("Erase the data of {name}?").format(name=person.display_name),
            text=_what_is_erased().format(pseudonym=name),
        )
        reply.actions.append(Action(label=_("Erase"), command=command, style="danger"))
        reply.notes.append(_("Or type: {command}").format(command=command))
        return reply
    shown = person.display_name
    _erase(ctx, person)
    return Reply(
        text=_("The personal data of {name} is erased; their hours remain as “{pseudonym}”.").format(
            name=shown, pseudonym=name
        )
    )
