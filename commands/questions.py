"""Questions to SGMAP: ask (after seeing the closest FAQ entries), list, answer in a direct message."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from labbot.arguments import Arguments, Choices, Ref, RowNumber, option, term_of
from labbot.context import CommandContext
from labbot.errors import Conflict, NotFound
from labbot.i18n import DEFAULT_LANGUAGE, N_, _, format_moment, ngettext, use_locale
from labbot.messages import Action, Address, Reply, Table
from labbot.outbox.notify import enqueue_channel_notice
from labbot.policy import project_or_refuse
from labbot.registry import CommandFamily
from labbot.search import extract, query_stems
from labbot.states import Role
from labbot.storage import questions
from labbot.storage.models import FaqEntry, Person, Question
from labbot.support import FILTER_STATES, QUESTION_FILTERS, QuestionState
from labbot.text import shorten

family = CommandFamily("questions")
LIST_LIMIT = 25
SIMILAR = 3
_CONFIRM = re.compile(r"^(?:confirmer|confirm)\s+#?(\d{1,9})$", re.IGNORECASE)
QuestionText = Annotated[str, StringConstraints(min_length=3, max_length=2000)]


class Ask(Arguments):
    texte: QuestionText = option(..., aliases=("text",), help=N_("your question, in quotes"))
    projet: Ref | None = option(None, aliases=("project",), help=N_("the project it is about, if any"))


@family.command(
    "question",
    "ask",
    arguments=Ask,
    positionals=("texte",),
    greedy=True,
    summary=N_("Ask SGMAP a question (the closest FAQ answers are shown first)"),
    example='question "Quels frais le PIA finance-t-il ?" projet:1',
    example_en='ask "Which costs does the PIA fund?" project:1',
)
def ask(ctx: CommandContext, args: Ask) -> Reply:
    """Show the FAQ entries closest to the question; file it at once if there is none, else on confirmation."""
    if found := _CONFIRM.match(args.texte):
        return _confirm(ctx, int(found.group(1)))
    project = project_or_refuse(ctx.session, args.projet) if args.projet else None
    question = Question(
        asker_id=ctx.person.id,
        project_id=project.id if project else None,
        text=args.texte,
        state=QuestionState.DRAFT,
        created_at=ctx.now(),
    )
    stems = query_stems(args.texte)
    similar = questions.search_faq(ctx.session, args.texte, stems, SIMILAR)
    ctx.session.add(question)
    ctx.session.flush()
    if not similar:
        return _file(ctx, question)
    reply = Reply(
        title=_("Your question may already have an answer"),
        text=_("Question {number} is not sent yet. The closest answers of the FAQ:").format(number=question.id),
    )
    for hit in similar:
        reply.add_field(_faq_label(hit), faq_extract(hit, stems))
    reply.actions = [
        Action(label=_("Ask anyway"), command=f"question confirmer {question.id}", style="primary"),
    ]
    reply.notes.append(
        _("Still want to ask SGMAP? ask confirm {number} — read an entry: faq <words>").format(number=question.id)
    )
    return reply


def _faq_label(entry: FaqEntry) -> str:
    return _("FAQ {number}: {title}").format(number=entry.question_id, title=entry.title)


def faq_extract(entry: FaqEntry, stems: list[str]) -> str:
    """A passage of the answer (or of the question, if only it matches) around the searched words."""
    return extract(entry.answer, stems) or extract(entry.question, stems) or shorten(entry.answer, 160)


def _confirm(ctx: CommandContext, number: int) -> Reply:
    question = questions.lock(ctx.session, number)
    if question is None or question.asker_id != ctx.person.id:
        raise NotFound(
            _("You have no question number {number}.").format(number=number),
            hint=_('Ask one with: ask "…"'),
        )
    if question.state != QuestionState.DRAFT:
        raise Conflict(_("Question {number} is already sent to SGMAP.").format(number=number))
    return _file(ctx, question)


def _file(ctx: CommandContext, question: Question) -> Reply:
    question.state = QuestionState.OPEN
    question.created_at = ctx.now()  # its age counts from when SGMAP got it
    ctx.audit("question", question.id, "create", None, {"project_id": question.project_id})
    asker = ctx.person.display_name
    for admin in questions.admins(ctx.session):
        ctx.notify(admin, lambda: _new_question_notice(question, asker))
    addresses = [Address(platform, "", channel) for platform, channel in ctx.settings.support.channel.items()]
    with use_locale(DEFAULT_LANGUAGE):  # a shared channel reads the default language, whoever asked
        notice = _new_question_notice(question, asker)
    enqueue_channel_notice(ctx.session, addresses, notice, ctx.now())
    return Reply(
        text=_("Question {number} is sent to SGMAP; the answer will come to you in a direct message.").format(
            number=question.id
        )
    )


def _new_question_notice(question: Question, asker: str) -> Reply:
    project = _(" (project #{number})").format(number=question.project_id) if question.project_id else ""
    return Reply(
        title=_("Question {number} from {name}{project}").format(number=question.id, name=asker, project=project),
        text=question.text,
        actions=[Action(label=_("Questions"), command="questions")],
        notes=[_('Answer with: answer {number} "…"').format(number=question.id)],
    )


class QuestionFilter(Arguments):
    statut: Annotated[str, term_of(QUESTION_FILTERS, N_("question status")), Choices(QUESTION_FILTERS)] = option(
        "ouvertes", aliases=("status",), help=N_("{choices}")
    )


@family.command(
    "questions",
    "questions",
    arguments=QuestionFilter,
    role=Role.ADMIN,
    writes=False,
    summary=N_("Questions asked to SGMAP, the longest waiting first"),
    example="questions statut:toutes",
    example_en="questions status:all",
)
def list_questions(ctx: CommandContext, args: QuestionFilter) -> Reply:
    """Open (or answered, or all) questions with their age."""
    states = FILTER_STATES[args.statut]
    rows = questions.listing(ctx.session, states, LIST_LIMIT)
    title = QUESTION_FILTERS.label(args.statut).capitalize()
    if not rows:
        return Reply(title=title, text=_("No question."))
    table = Table(
        columns=["N°", _("Age"), _("From"), _("Project"), _("State"), _("Question")],
        rows=[
            [
                str(q.id),
                _age(ctx.now(), q.created_at),
                shorten(name, 25),
                f"#{q.project_id}" if q.project_id else "—",
                _("answered") if q.state == QuestionState.ANSWERED else _("awaiting an answer"),
                shorten(q.text, 60),
            ]
            for q, name in rows
        ],
        numeric=[0],
    )
    reply = Reply(title=title, table=table)
    total = questions.count(ctx.session, states)
    if total > len(rows):
        reply.notes.append(_("{shown} of {total} shown.").format(shown=len(rows), total=total))
    reply.notes.append(_('Answer one: answer <n> "…" — publish it: faq add <n>'))
    return reply


def _age(now: datetime, since: datetime) -> str:
    days = (now - since).days
    if days < 1:
        hours = int((now - since).total_seconds() // 3600)
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    return ngettext("{n} day", "{n} days", days).format(n=days)


class AnswerArgs(Arguments):
    numero: RowNumber = option(..., aliases=("number", "n"), help=N_("the question's number, shown by questions"))
    texte: QuestionText = option(..., aliases=("text",), help=N_("the answer, in quotes"))


@family.command(
    "repondre",
    "answer",
    arguments=AnswerArgs,
    positionals=("numero", "texte"),
    greedy=True,
    role=Role.ADMIN,
    summary=N_("Answer a question; the asker gets it in a direct message"),
    example='repondre 12 "Les frais de prestataires sont éligibles, dans la limite du plafond."',
    example_en='answer 12 "Contractors\' costs are eligible, within the cap."',
)
def answer(ctx: CommandContext, args: AnswerArgs) -> Reply:
    """Close an open question with its answer and send the answer to its asker."""
    question = questions.lock(ctx.session, args.numero)
    if question is None or question.state == QuestionState.DRAFT:
        raise NotFound(
            _("No question number {number}.").format(number=args.numero), hint=_("Open questions: questions")
        )
    if question.state == QuestionState.ANSWERED:
        raise Conflict(
            _("Question {number} is already answered ({when}).").format(
                number=question.id, when=format_moment(question.answered_at or question.created_at)
            ),
            hint=_("Open questions: questions — correct a published answer: faq edit {number}").format(
                number=question.id
            ),
        )
    question.state, question.answer = QuestionState.ANSWERED, args.texte
    question.answered_by_id, question.answered_at = ctx.person.id, ctx.now()
    ctx.audit("question", question.id, "answer", None, {"answered_by_id": ctx.person.id})
    asker = ctx.session.get(Person, question.asker_id)
    if asker is not None:
        ctx.notify(asker, lambda: _answer_notice(question))
    reply = Reply(text=_("Question {number} is answered and closed.").format(number=question.id))
    reply.actions.append(Action(label=_("Publish to the FAQ"), command=f"faq ajouter {question.id}"))
    return reply


def _answer_notice(question: Question) -> Reply:
    return Reply(
        title=_("SGMAP's answer to your question {number}").format(number=question.id),
        text=question.answer or "",
        fields=[],
        notes=[_("Your question: {text}").format(text=shorten(question.text, 300))],
    )
