"""The FAQ: searched by anyone in French full text; administrators publish, edit and withdraw entries."""

from __future__ import annotations

import re

from commands.questions import faq_extract
from labbot.arguments import Arguments, LongText, option
from labbot.context import CommandContext
from labbot.errors import Conflict, InvalidInput, NotFound
from labbot.i18n import N_, _, ngettext
from labbot.messages import Reply, Table
from labbot.policy import require_faq_editing
from labbot.registry import CommandFamily
from labbot.search import query_stems
from labbot.storage import questions
from labbot.storage.models import FaqEntry, Person
from labbot.support import QuestionState, anonymised
from labbot.text import shorten

family = CommandFamily("faq")
RESULTS = 5
LATEST = 10
_ACTION = re.compile(r"^(ajouter|add|modifier|edit|retirer|remove)\s+#?(\d{1,9})$", re.IGNORECASE)
_ADD, _EDIT = ("ajouter", "add"), ("modifier", "edit")


class FaqArgs(Arguments):
    mots: str = option("", aliases=("words",), help=N_("words to look for; accents and plurals do not matter"))
    titre: str | None = option(None, aliases=("title",), help=N_("an entry's title (administrators)"))
    question: LongText | None = option(None, help=N_("the entry's question, reworded (administrators)"))
    reponse: LongText | None = option(None, aliases=("answer",), help=N_("the entry's answer (administrators)"))


@family.command(
    "faq",
    "faq",
    arguments=FaqArgs,
    positionals=("mots",),
    greedy=True,
    summary=N_("Search the FAQ; administrators: faq ajouter|modifier|retirer <n>"),
    example="faq évaluation indicateurs",
    example_en="faq evaluation indicators",
    writes_when=lambda words: _ACTION.match(" ".join(words)) is not None,
)
def faq(ctx: CommandContext, args: FaqArgs) -> Reply:
    """Search the FAQ, or (administrators) publish, edit or withdraw an entry."""
    if found := _ACTION.match(args.mots):
        require_faq_editing(ctx.person)
        action, number = found.group(1).lower(), int(found.group(2))
        if action in _ADD:
            return _publish(ctx, number, args)
        if action in _EDIT:
            return _edit(ctx, number, args)
        return _withdraw(ctx, number)
    if args.titre is not None or args.question is not None or args.reponse is not None:
        raise InvalidInput(
            _("titre:, question: and reponse: go with faq add <n> or faq edit <n>."),
            hint=_('Example: faq edit 12 titre:"Eligible costs"'),
        )
    return _search(ctx, args.mots)


def _search(ctx: CommandContext, words: str) -> Reply:
    if not words:
        entries = questions.latest_faq(ctx.session, LATEST)
        if not entries:
            return Reply(title=_("FAQ"), text=_('The FAQ is empty for now. Ask SGMAP: ask "…"'))
        table = Table(
            columns=["N°", _("Title")], rows=[[str(e.question_id), e.title] for e in entries], numeric=[0]
        )
        total = questions.faq_count(ctx.session)
        title = ngettext("FAQ: {total} entry", "FAQ: the latest of {total} entries", total)
        reply = Reply(title=title.format(total=total), table=table)
        reply.notes.append(_("Search it: faq <words>, e.g. faq évaluation"))
        return reply
    stems = query_stems(words)
    hits = questions.search_faq(ctx.session, words, stems, RESULTS)
    if not hits:
        reply = Reply(text=_("No FAQ entry matches “{words}”.").format(words=shorten(words, 60)))
        reply.notes.append(_('Ask SGMAP: ask "…"'))
        return reply
    reply = Reply(
        title=ngettext("FAQ: {n} entry for “{words}”", "FAQ: {n} entries for “{words}”", len(hits)).format(
            n=len(hits), words=shorten(words, 60)
        )
    )
    for hit in hits:
        reply.add_field(
            _("FAQ {number}: {title}").format(number=hit.question_id, title=hit.title),
            faq_extract(hit, stems),
        )
    return reply


def _snapshot(entry: FaqEntry) -> dict[str, object]:
    return {"title": entry.title, "question": entry.question, "answer": entry.answer}


def _title(text: str) -> str:
    if not 3 <= len(text) <= 150:
        raise InvalidInput(_("titre: between 3 and 150 characters."), field="titre")
    return text


def _publish(ctx: CommandContext, number: int, args: FaqArgs) -> Reply:
    question = questions.lock(ctx.session, number)
    if question is None or question.state == QuestionState.DRAFT:
        raise NotFound(_("No question number {number}.").format(number=number), hint=_("See: questions"))
    if question.state != QuestionState.ANSWERED or question.answer is None:
        raise Conflict(
            _("Question {number} has no answer yet.").format(number=number),
            hint=_('Answer it first: answer {number} "…"').format(number=number),
        )
    if questions.faq_entry(ctx.session, number) is not None:
        raise Conflict(
            _("Question {number} is already in the FAQ.").format(number=number),
            hint=_('Change it with: faq edit {number} titre:"…"').format(number=number),
        )
    # Published without who asked: names, addresses, phone numbers and mentions are taken out.
    asker = ctx.session.get(Person, question.asker_id)
    names = [asker.display_name, *(i.username or i.external_id for i in asker.identities)] if asker else []
    text = args.question or anonymised(question.text, names)
    entry = FaqEntry(
        question_id=number,
        title=_title(args.titre) if args.titre is not None else shorten(text, 150),
        question=text,
        answer=args.reponse or anonymised(question.answer, names),
        published_by_id=ctx.person.id,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    ctx.session.flush()
    ctx.audit("faq", number, "create", None, _snapshot(entry))
    reply = Reply(
        text=_("Question {number} is in the FAQ as “{title}”.").format(number=number, title=entry.title),
        fields=[],
    )
    reply.add_field(_("Question"), entry.question)
    reply.add_field(_("Answer"), entry.answer)
    reply.notes.append(_('Reword it if needed: faq edit {number} question:"…"').format(number=number))
    return reply


def _entry(ctx: CommandContext, number: int) -> FaqEntry:
    entry = questions.faq_entry(ctx.session, number)
    if entry is None:
        raise NotFound(_("No FAQ entry number {number}.").format(number=number), hint=_("See: faq"))
    return entry


def _edit(ctx: CommandContext, number: int, args: FaqArgs) -> Reply:
    entry = _entry(ctx, number)
    if args.titre is None and args.question is None and args.reponse is None:
        raise InvalidInput(_("Nothing to change: give titre:, question: or reponse:."))
    if args.question == "" or args.reponse == "":
        raise InvalidInput(_("question: and reponse: cannot be empty."))
    before = _snapshot(entry)
    if args.titre is not None:
        entry.title = _title(args.titre)
    entry.question = args.question or entry.question
    entry.answer = args.reponse or entry.answer
    entry.updated_at = ctx.now()
    ctx.audit("faq", number, "update", before, _snapshot(entry))
    return Reply(text=_("FAQ entry {number} is updated.").format(number=number))


def _withdraw(ctx: CommandContext, number: int) -> Reply:
    entry = _entry(ctx, number)
    ctx.audit("faq", number, "delete", _snapshot(entry), None)
    ctx.session.delete(entry)
    return Reply(text=_("FAQ entry {number} is withdrawn.").format(number=number))
