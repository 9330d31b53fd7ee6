"""The core's single entry point: one neutral request in, one neutral reply out.

Every adapter (console, Slack, Mattermost) and the benchmarks go through `LabBot.handle`. One transaction per
command; a refusal rolls it back so bad input writes nothing; an unexpected error is logged with its traceback
and the user gets a short apology with a reference.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from labbot.arguments import bind, bind_values
from labbot.clock import Clock, SystemClock, today_in_paris
from labbot.config import Settings
from labbot.context import CommandContext, language_of
from labbot.errors import CommandError, Forbidden, InvalidFields, InvalidInput
from labbot.i18n import Language, _, current_language, language_from_hint, use_locale
from labbot.messages import Notification, Outcome, Reply, Request, Visibility
from labbot.observation import SILENT, CommandRecord, Observer, command_context, new_request_id, set_family
from labbot.outbox import notify
from labbot.parsing import CommandLine, tokenize
from labbot.registry import CommandRegistry, CommandSpec
from labbot.states import ROLE_RANK, Role
from labbot.storage import people, requests
from labbot.storage.database import Database
from labbot.storage.models import Person
from labbot.text import has_unstorable_characters, shorten
from labbot.vocabulary import ROLES

log = logging.getLogger(__name__)
MAX_COMMAND_LENGTH = 4000
_PREFIXES = ("/lab", "lab")
_SHARE_WORDS = ("publier", "share")
# Separates the notes of a refusal's hint (its own advice, then the command's example).
_NOTES = "\n"


@dataclass
class _Exchange:
    """What one request gathers besides its reply: its language, and messages for other people."""

    language: Language
    notifications: list[Notification] = field(default_factory=list)
    # The command's module once known; what metrics count it under (never the text typed).
    family: str = "unknown"


class LabBot:
    """Runs commands against the database; messages for other people go to the outbox in the same transaction."""

    def __init__(
        self,
        registry: CommandRegistry,
        database: Database,
        settings: Settings,
        clock: Clock | None = None,
        *,
        observer: Observer = SILENT,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.registry = registry
        self.database = database
        self.settings = settings
        self.clock = clock or SystemClock()
        self.observer = observer
        self._admins = set(settings.roles.admins)
        # Called after a command queued messages: delivers them now (console) or wakes the delivery worker;
        # nothing in a command worker process (the server's delivery worker sends them).
        self.after_commit: Callable[[], None] = after_commit or _nothing

    def handle(self, request: Request) -> Reply:
        """Run the command in `request` and return the reply to show its author."""
        started = time.perf_counter()
        request_id = new_request_id()
        exchange = _Exchange(language=language_from_hint(request.locale) or "fr")
        # Every log line of this command carries its request id, platform and family.
        with command_context(request_id, request.platform):
            reply = self._answer(request, exchange, request_id)
            seconds = time.perf_counter() - started
            log.info(
                "command %s in %.1f ms",
                reply.outcome.value,
                seconds * 1000,
                extra={"duration_ms": round(seconds * 1000, 3)},
            )
        self.observer.command_done(CommandRecord(request.platform, exchange.family, reply.outcome.value, seconds))
        reply.language = exchange.language
        if exchange.notifications:
            reply.queued = True
            self.after_commit()
        return reply

    def _answer(self, request: Request, exchange: _Exchange, request_id: str) -> Reply:
        try:
            return self._run(request, exchange)
        except CommandError as refusal:
            return _refusal(refusal)
        except Exception:
            # The reference the user is given is the request id: it finds this traceback in the logs.
            log.exception("command failed (ref %s) for %s:%s", request_id, request.platform, request.user_id)
            return apology(exchange.language, request_id)

    def _run(self, request: Request, exchange: _Exchange) -> Reply:
        # Refusals are raised inside the person's language, so their text is already in it.
        with use_locale(exchange.language):
            try:
                return self._run_in_language(request, exchange)
            except IntegrityError:
                # A concurrent command won a unique constraint (the same new person arriving twice at once,
                # the same signup): run once more, now that its row is visible, and answer accordingly.
                log.info("retrying after a concurrent write for %s:%s", request.platform, request.user_id)
                exchange.notifications.clear()
                return self._run_in_language(request, exchange)

    def _run_in_language(self, request: Request, exchange: _Exchange) -> Reply:
        _check_storable(request)
        text = _strip_prefix(request.text)
        if len(text) > MAX_COMMAND_LENGTH:
            raise InvalidInput(
                _("This command is too long ({length} characters, at most {limit}).").format(
                    length=len(text), limit=MAX_COMMAND_LENGTH
                )
            )
        # A form's answers come as arguments, with the verb alone: nothing to tokenize.
        line = tokenize(text) if request.arguments is None else CommandLine(positionals=[text or "aide"])
        verb = line.positionals.pop(0) if line.positionals else "aide"
        share = verb.lower() in _SHARE_WORDS and request.arguments is None
        if share:
            verb = line.positionals.pop(0) if line.positionals else "aide"
        command = _Command(verb, self.registry.find(verb), share)
        # A read runs in a read transaction (on SQLite, beside the writers rather than queued behind them).
        words = line.positionals if request.arguments is None else None
        if command.spec is None or command.spec.writes_with(words):
            return self._transact(request, exchange, line, command, writes=True, write=True)
        try:
            return self._transact(request, exchange, line, command, writes=False, write=False)
        except OperationalError as error:
            if not self.database.refused_write(error):
                raise
            # Its requester had to be written (a first contact, a new name): once more, as a write.
            exchange.notifications.clear()
            return self._transact(request, exchange, line, command, writes=False, write=True)

    def _transact(
        self,
        request: Request,
        exchange: _Exchange,
        line: CommandLine,
        command: _Command,
        *,
        writes: bool,
        write: bool,
    ) -> Reply:
        """Run the command in one transaction; `writes`: the command's use writes (its reply is recorded for
        retries); `write`: the transaction may write (a read's requester may need to be written)."""
        share = command.share
        try:
            with self.database.transaction(write=write) as session:
                person = self._requester(session, request)
                language = language_of(person, request.locale)
                exchange.language = language  # a replayed reply too is in the person's language
                with use_locale(language):
                    spec = self._permitted(command, person)
                    # Only a write's reply is recorded (below): a read has none to replay, and costs no lookup.
                    key = request.idempotency_key
                    if key and writes and (seen := requests.stored_reply(session, key)):
                        exchange.family = "replayed"
                        return Reply.model_validate(seen)
                    exchange.family = spec.family
                    set_family(spec.family)
                    if share:
                        _check_shareable(spec, writes)
                    if request.idempotency_key and writes:
                        requests.claim(session, request.idempotency_key, self.clock.now())
                    context = CommandContext(
                        session,
                        person,
                        request,
                        self.settings,
                        self.clock,
                        self.registry,
                        language,
                        exchange.notifications,
                    )
                    reply = self._execute(spec, context, line, request.arguments)
                    reply.wrote = writes
                    # A command may change its author's language (`profil langue:en`): later texts follow it.
                    exchange.language = language_of(person, request.locale)
                    # In the command's transaction: the change and its messages are kept, or lost, together.
                    notify.enqueue_notifications(session, exchange.notifications, self.clock.now())
                    if share:
                        reply.visibility = Visibility.CHANNEL
                    if request.idempotency_key and writes:
                        requests.remember(session, request.idempotency_key, reply.model_dump(mode="json"))
                    return reply
        except IntegrityError:
            # A twin of this request committed first: answer as it was answered.
            if request.idempotency_key:
                with self.database.transaction() as session:
                    if seen := requests.stored_reply(session, request.idempotency_key):
                        exchange.notifications.clear()
                        return Reply.model_validate(seen)
            raise

    def _execute(
        self,
        spec: CommandSpec,
        context: CommandContext,
        line: CommandLine,
        answers: Mapping[str, str | list[str]] | None,
    ) -> Reply:
        today = today_in_paris(self.clock)
        try:
            if answers is None:
                arguments = bind(spec.arguments, line, spec.positionals, greedy=spec.greedy, today=today)
            else:
                arguments = bind_values(spec.arguments, answers, today=today)
            reply = spec.handler(context, arguments)
        except InvalidFields:
            raise  # a form shows each message beside its field: no example
        except InvalidInput as error:
            example = _("Example: {example}").format(example=spec.example_in(context.language, today))
            # One sentence per note: the hint, then the example, never run together.
            raise InvalidInput(
                error.message, hint=_NOTES.join(filter(None, [error.hint, example])), field=error.field
            ) from None
        reply.command = spec.name
        return reply

    def _requester(self, session: Session, request: Request) -> Person:
        person = people.requester(session, request.platform, request.user_id)
        if person is None and request.email:
            person = people.by_email(session, request.email)
            if person is not None:
                people.link(
                    session, person, request.platform, request.user_id, username=request.display_name or None
                )
        if person is None:
            person = people.create(
                session,
                request.platform,
                request.user_id,
                display_name=request.display_name,
                email=request.email,
                now=self.clock.now(),
            )
        else:
            _complete(session, person, request)
        if f"{request.platform}:{request.user_id}" in self._admins and person.role != Role.ADMIN:
            person.role = Role.ADMIN
        return person

    def _permitted(self, command: _Command, person: Person) -> CommandSpec:
        """The command's spec if `person` may run it; else the refusal (an unknown verb, a role too low)."""
        spec, verb = command.spec, command.verb
        if spec is None:
            suggestions = self.registry.closest(verb, person.role)
            hint = (
                _("Did you mean: {verbs}?").format(verbs=", ".join(suggestions))
                if suggestions
                else _("Type “help” to see the commands.")
            )
            raise InvalidInput(_("Unknown command “{verb}”.").format(verb=shorten(verb, 40)), hint=hint)
        if ROLE_RANK[person.role] >= ROLE_RANK[spec.role]:
            return spec
        raise Forbidden(
            _("“{verb}” is for the role {role}; your role is {yours}.").format(
                verb=spec.verb(current_language()), role=ROLES.label(spec.role), yours=ROLES.label(person.role)
            ),
            hint=_("An administrator can grant roles with the command grant."),
        )


@dataclass(frozen=True)
class _Command:
    """The verb typed, its spec (None: unknown), and whether its reply is shared with the channel."""

    verb: str
    spec: CommandSpec | None
    share: bool


def _nothing() -> None:
    return None


def apology(language: Language, reference: str) -> Reply:
    """What a person reads when their command failed on our side; `reference` finds it in the logs."""
    with use_locale(language):
        text = _(
            "Sorry, something went wrong on our side. Please try again; if it happens again, "
            "give this reference to SGMAP: {ref}."
        ).format(ref=reference)
    return Reply(text=text, outcome=Outcome.FAILED, language=language)


def _complete(session: Session, person: Person, request: Request) -> None:
    """A person known before they spoke (a role granted to @name) gets their name, and their address, which
    links their accounts on other platforms."""
    if person.display_name == request.user_id and request.display_name:
        person.display_name = request.display_name
    if person.email is None and request.email and people.by_email(session, request.email) is None:
        person.email = request.email


def _check_storable(request: Request) -> None:
    """Refuse, before anything is looked up or written, a request whose text no database can store."""
    fields = [
        request.text,
        request.user_id,
        request.display_name,
        request.email,
        request.channel_id,
        request.channel_name,
        request.idempotency_key,
    ]
    # A form's answers too, each a text or a list of texts.
    for answer in (request.arguments or {}).values():
        fields.extend([answer] if isinstance(answer, str) else answer)
    if any(has_unstorable_characters(value) for value in fields if value):
        raise InvalidInput(
            _("This message holds a character that cannot be kept (a NUL byte or a broken Unicode character)."),
            hint=_("Type it again without that character."),
        )


def _strip_prefix(text: str) -> str:
    stripped = text.strip()
    for prefix in _PREFIXES:
        if stripped.lower() == prefix or stripped.lower().startswith(prefix + " "):
            return stripped[len(prefix) :].strip()
    return stripped


def _check_shareable(spec: CommandSpec, writes: bool) -> None:
    """`publier <command>` posts a reply to the channel for everyone: only for commands that change nothing."""
    if writes:
        raise InvalidInput(
            _("Only commands that show something can be shared; “{verb}” changes data.").format(
                verb=spec.verb(current_language())
            ),
            hint=_("Example: share project 1"),
        )


def _refusal(error: CommandError) -> Reply:
    field = error.field if isinstance(error, InvalidInput) else None
    if isinstance(error, InvalidFields):
        problems = error.problems
    else:
        notes = error.hint.split(_NOTES) if error.hint else []
        problems = {field: " ".join(filter(None, [error.message, *notes]))} if field else {}
    return Reply(
        text=error.message,
        notes=error.hint.split(_NOTES) if error.hint else [],
        outcome=Outcome.REFUSED,
        invalid_field=field,
        field_errors=problems,
    )
