"""Typed command arguments: pydantic field types built on the parsers, and binding a command line to a model."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic.fields import FieldInfo

from labbot.errors import InvalidFields, InvalidInput
from labbot.i18n import N_, Language, _, current_language, format_number
from labbot.lifecycle import STATUSES
from labbot.parsing import (
    CommandLine,
    parse_amount,
    parse_day,
    parse_duration,
    parse_list,
    parse_month,
    parse_number,
    parse_plan_hours,
    parse_rate,
)
from labbot.text import shorten
from labbot.vocabulary import (
    CIVIL_SERVICE_CATEGORIES,
    COFUNDING_STATUSES,
    COMPETENCES,
    COST_TYPES,
    LANGUAGE_NAMES,
    METHODS,
    PARTNER_CATEGORIES,
    REGIONS,
    ROLES,
    Vocabulary,
)


class FieldKind(StrEnum):
    """How an argument is answered in a form."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"  # one term of a vocabulary
    CHOICES = "choices"  # several terms of a vocabulary (an open list: other values are kept as typed)
    DATE = "date"
    PROJECT = "project"  # one of the person's projects


@dataclass(frozen=True)
class Choices:
    """Marks an argument type whose values are the terms of `vocabulary`: forms offer them, help lists them."""

    vocabulary: Vocabulary
    many: bool = False


class Arguments(BaseModel):
    """Base of every command's arguments: unknown keys are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _day(value: Any, info: ValidationInfo) -> date:
    if isinstance(value, date):
        return value
    today = (info.context or {})["today"]
    return parse_day(str(value), today)


def term_of(vocabulary: Vocabulary, what: str) -> BeforeValidator:
    def parse(value: Any) -> str:
        term = vocabulary.find(str(value))
        if term is None:
            raise InvalidInput(
                _("“{value}” is not a known {what}.").format(value=shorten(str(value), 60), what=_(what)),
                hint=_("Choose one of: {choices}.").format(choices=vocabulary.choices()),
            )
        return term.key

    return BeforeValidator(parse)


def _open_terms(vocabulary: Vocabulary) -> BeforeValidator:
    """A list where known terms become their key and others are kept as typed (the call's list ends with "…")."""

    def parse(value: Any) -> list[str]:
        items = _text_list(value)
        keys = [term.key if (term := vocabulary.find(item)) else item for item in items]
        return list(dict.fromkeys(keys))

    return BeforeValidator(parse)


def _text_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else parse_list(str(value))
    if any(len(item) > 120 for item in items):
        raise InvalidInput(_("Each item must be at most 120 characters."))
    return items


# Row numbers are SQL INTEGER columns (32 bits on PostgreSQL): a larger number names no row, and sending it
# to the database would fail instead of being refused.
MAX_ROW_NUMBER = 2**31 - 1
_WHOLE_NUMBER = re.compile(r"#?([0-9]{1,12})")


def _row_number(value: Any) -> int:
    text = str(value).strip()
    found = _WHOLE_NUMBER.fullmatch(text)
    if found is None or not 1 <= int(found.group(1)) <= MAX_ROW_NUMBER:
        raise InvalidInput(
            _("“{value}” is not a number from 1 to {largest}.").format(
                value=shorten(text, 20), largest=format_number(MAX_ROW_NUMBER)
            )
        )
    return int(found.group(1))


Duration = Annotated[int, BeforeValidator(lambda v: parse_duration(str(v)))]
Day = Annotated[date, BeforeValidator(_day)]
Amount = Annotated[int, BeforeValidator(lambda v: parse_amount(str(v)))]
HourlyRate = Annotated[int, BeforeValidator(lambda v: parse_rate(str(v)))]
Month = Annotated[tuple[int, int], BeforeValidator(lambda v: parse_month(str(v)))]
RowNumber = Annotated[int, BeforeValidator(_row_number)]
Region = Annotated[str, term_of(REGIONS, N_("region")), Choices(REGIONS)]
Methods = Annotated[list[str], _open_terms(METHODS), Choices(METHODS, many=True)]
Competence = Annotated[str, term_of(COMPETENCES, N_("competence")), Choices(COMPETENCES)]
PartnerCategory = Annotated[str, term_of(PARTNER_CATEGORIES, N_("partner category")), Choices(PARTNER_CATEGORIES)]
CostType = Annotated[str, term_of(COST_TYPES, N_("cost type")), Choices(COST_TYPES)]
Role = Annotated[str, term_of(ROLES, N_("role")), Choices(ROLES)]
Status = Annotated[str, term_of(STATUSES, N_("status")), Choices(STATUSES)]


def _entry_number(value: Any) -> int:
    text = str(value).strip().lstrip("#")
    if not text.isdigit() or not 1 <= int(text) <= 999_999:
        raise InvalidInput(
            _("“{value}” is not a number from the list.").format(value=shorten(str(value), 20)),
            hint=_("Write the number shown in the list, like 2."),
        )
    return int(text)


EntryNumber = Annotated[int, BeforeValidator(_entry_number)]
Number = Annotated[str, BeforeValidator(lambda v: str(parse_number(str(v))))]
PlanHours = Annotated[int, BeforeValidator(lambda v: parse_plan_hours(str(v)))]
CivilCategory = Annotated[
    str, term_of(CIVIL_SERVICE_CATEGORIES, N_("civil-service category")), Choices(CIVIL_SERVICE_CATEGORIES)
]
CofundingStatus = Annotated[str, term_of(COFUNDING_STATUSES, N_("co-funding status")), Choices(COFUNDING_STATUSES)]
# Validated as a term, then as a Language: handlers get the type the locale functions take.
LanguageCode = Annotated[Language, term_of(LANGUAGE_NAMES, N_("language")), Choices(LANGUAGE_NAMES)]
TextList = Annotated[list[str], BeforeValidator(_text_list)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(min_length=3, max_length=150)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=2000), FieldKind.LONG_TEXT]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=80)]


def option_keys(model: type[Arguments]) -> dict[str, str]:
    """Every key a user may type for `model`, mapped to its field name (English aliases included)."""
    keys: dict[str, str] = {}
    for name, info in model.model_fields.items():
        keys[name] = name
        for alias in field_aliases(info):
            keys[alias] = name
    return keys


def field_label(name: str, info: FieldInfo) -> str:
    """The short label forms show for an argument (a message id): declared with `option(label=…)`."""
    extra = info.json_schema_extra
    label = extra.get("label") if isinstance(extra, dict) else None
    return str(label) if label else name.capitalize()


def field_markers(info: FieldInfo) -> list[Any]:
    """Metadata of the argument's type, wherever it is (`Day` and `Day | None` alike)."""
    found = list(info.metadata)

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is typing.Annotated:
            found.extend(annotation.__metadata__)
            walk(typing.get_args(annotation)[0])
        elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            for argument in typing.get_args(annotation):
                walk(argument)

    walk(info.annotation)
    return found


def field_choices(info: FieldInfo) -> Choices | None:
    """The values the argument takes, when its type declares them."""
    return next((marker for marker in field_markers(info) if isinstance(marker, Choices)), None)


def render_help(message_id: str, choices: Vocabulary | None, default: Any = None) -> str:
    """An argument's help in the reader's language. Its values are never written in the help itself: `{choices}`
    lists the declared terms (the default marked), and `{<key>}` (dashes as underscores: `{en_cours}`) is how the
    reader types one term."""
    text = _(message_id)
    if choices is None:
        return text
    words = {term.key.replace("-", "_"): term.typed() for term in choices}
    return text.format(choices=choices.listed(default if isinstance(default, str) else None), **words)


def field_help(info: FieldInfo) -> str:
    """The help of an argument (empty when it has none), its values listed from its declaration."""
    if not info.description:
        return ""
    choices = field_choices(info)
    return render_help(info.description, choices.vocabulary if choices else None, info.default)


def field_aliases(info: FieldInfo) -> list[str]:
    """The English aliases declared with `option(aliases=…)`."""
    extra = info.json_schema_extra
    aliases = extra.get("aliases", []) if isinstance(extra, dict) else []
    return [str(alias) for alias in aliases] if isinstance(aliases, list) else []


def bind(
    model: type[Arguments], line: CommandLine, positionals: tuple[str, ...], *, greedy: bool, today: date
) -> Arguments:
    """Validate a tokenised command line against `model`; raise InvalidInput naming the field at fault."""
    words = list(line.positionals)
    if greedy and positionals and len(words) > len(positionals):
        head = len(positionals) - 1
        words = [*words[:head], " ".join(words[head:])]
    if len(words) > len(positionals):
        raise InvalidInput(
            _("Unexpected word: “{word}”.").format(word=shorten(words[len(positionals)], 60)),
            hint=_('Put values with spaces between quotes: titre:"Lab Bretagne"'),
        )
    data: dict[str, Any] = dict(zip(positionals, words, strict=False))
    keys = option_keys(model)
    for key, value in line.options.items():
        field = keys.get(key)
        if field is None or field in positionals[: len(words)]:
            accepted = ", ".join(f"{k}:" for k in keys if k == keys[k] and k not in positionals)
            raise InvalidInput(
                _("Unknown key “{key}:”.").format(key=shorten(key, 40)),
                hint=_("Keys for this command: {keys}.").format(keys=accepted or "—"),
                field=key,
            )
        data[field] = value
    try:
        return model.model_validate(data, context={"today": today})
    except ValidationError as error:
        raise _problem(model, error.errors()[0]) from None


def bind_values(model: type[Arguments], values: Mapping[str, Any], *, today: date) -> Arguments:
    """Validate a form's answers against `model` (empty answers leave the defaults); raise InvalidFields with
    a message for every field at fault."""
    keys = option_keys(model)
    data = {keys.get(key, key): value for key, value in values.items() if value not in ("", [], None)}
    try:
        return model.model_validate(data, context={"today": today})
    except ValidationError as error:
        problems = [_problem(model, detail) for detail in error.errors()]
        first = problems[0]
        raise InvalidFields(
            first.message,
            hint=first.hint,
            field=first.field,
            problems={p.field or "?": _with_example(model, p) for p in problems},
        ) from None


def _with_example(model: type[Arguments], problem: InvalidInput) -> str:
    """The message beside a form's field: what is wrong, how to write it, an example of a right value."""
    info = model.model_fields.get(problem.field or "")
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    example = _("Example: {example}").format(example=extra["example"]) if extra.get("example") else ""
    return " ".join(filter(None, [problem.message, problem.hint, example]))


def typed_key(model: type[Arguments], field: str) -> str:
    """A field as the reader types its key: its first English alias for English readers, else its name."""
    info = model.model_fields.get(field)
    aliases = field_aliases(info) if info is not None else []
    return aliases[0] if aliases and current_language() == "en" else field


def _problem(model: type[Arguments], problem: Any) -> InvalidInput:
    """One validation problem as a refusal: `field` is the argument's name, the message names its typed key."""
    name = str(problem["loc"][0]) if problem["loc"] else "?"
    field = typed_key(model, name)
    cause = (problem.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidInput):
        return InvalidInput(
            _("{field}: {message}").format(field=field, message=cause.message), hint=cause.hint, field=name
        )
    kind = problem["type"]
    if kind == "missing":
        message = _("{field} is missing.").format(field=field)
    elif kind in ("string_too_long", "too_long"):
        limit = (problem.get("ctx") or {}).get("max_length", "?")
        message = _("{field} is too long (at most {limit} characters).").format(field=field, limit=limit)
    elif kind in ("string_too_short", "too_short"):
        message = _("{field} is too short.").format(field=field)
    elif kind.startswith("int_"):
        message = _("{field}: “{value}” is not a whole number.").format(
            field=field, value=shorten(str(problem["input"]), 40)
        )
    else:
        message = _("{field}: this value is not valid.").format(field=field)
    return InvalidInput(message, field=name)


def option(
    default: Any = None,
    *,
    aliases: tuple[str, ...] = (),
    help: str = "",
    label: str = "",
    kind: FieldKind | None = None,
    example: str = "",
) -> Any:
    """Declare an argument: its default (`...` when required), English aliases of its key, help text, and
    for forms a short label (a message id, at most 24 bytes translated), a kind when its type does not say
    it, and an example."""
    extra: dict[str, Any] = {"aliases": list(aliases), "label": label, "example": example}
    if kind is not None:
        extra["kind"] = kind.value
    return Field(default=default, description=help, json_schema_extra=extra)


class OneProject(Arguments):
    """Arguments of commands about one project, referenced first."""

    projet: Ref = option(
        ...,
        aliases=("project",),
        help=N_("number (1 or #1) or slug"),
        label=N_("Project"),
        kind=FieldKind.PROJECT,
        example="1",
    )
