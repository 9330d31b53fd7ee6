"""The neutral request and reply that every adapter translates to and from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from labbot.i18n import Language


@dataclass(frozen=True)
class Request:
    """One command typed by one person on one platform."""

    platform: str
    user_id: str
    text: str
    display_name: str = ""
    locale: str | None = None
    email: str | None = None
    channel_id: str | None = None
    # Same key twice (a platform retry, a double click) → the first reply is returned, nothing is redone.
    idempotency_key: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)
    # A form's answers, by argument (labbot/forms.py): `text` is then the command's verb alone.
    arguments: Mapping[str, str | list[str]] | None = None
    # The channel's name where the platform gives it (to name a lab's channel), never parsed from `raw`.
    channel_name: str | None = None


class Visibility(StrEnum):
    """Who sees a reply."""

    PRIVATE = "private"
    CHANNEL = "channel"


class Outcome(StrEnum):
    """How a command ended; the console maps it to an exit status."""

    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"


class Table(BaseModel):
    """A compact table; `numeric` columns are right-aligned by renderers."""

    columns: list[str]
    rows: list[list[str]] = Field(default_factory=list)
    numeric: list[int] = Field(default_factory=list)


class ReplyField(BaseModel):
    """A label and its value, shown side by side where the platform can."""

    label: str
    value: str


class Action(BaseModel):
    """A button that runs `command` as the person who clicks it."""

    label: str
    command: str
    style: str | None = None  # "primary" or "danger"


class Attachment(BaseModel):
    """A file that travels with a reply: a dossier, an export, a chart, an invitation."""

    # Stored replies (idempotency, outbox) are JSON: the bytes travel as base64 there.
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    filename: str
    content: bytes
    media_type: str = "application/octet-stream"
    # Read aloud by screen readers and shown where the platform cannot show the file itself.
    description: str = ""


class Reply(BaseModel):
    """What a command answers, in neutral form."""

    text: str = ""
    title: str | None = None
    fields: list[ReplyField] = Field(default_factory=list)
    table: Table | None = None
    notes: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    files: list[Attachment] = Field(default_factory=list)
    visibility: Visibility = Visibility.PRIVATE
    outcome: Outcome = Outcome.DONE
    # The command that produced it, for adapters that render some replies specially (forms, App Home).
    command: str | None = None
    # On a refusal for bad input: the argument at fault, so forms can show the error beside the field, and
    # for a form's answers every argument at fault with its message.
    invalid_field: str | None = None
    field_errors: dict[str, str] = Field(default_factory=dict)
    # The language it is written in, so renderers add their own words (labels, buttons) in the same one.
    language: Language = "fr"
    # What the command changed, so adapters need not look the command up again: it wrote (App Home may show
    # something new), and it queued messages for other people (the delivery worker has work).
    wrote: bool = False
    queued: bool = False

    def receipt(self) -> Reply:
        """What an adapter still acts on once the platform has shown this reply: how it ended, what it changed,
        its files and its language. Its text stays where it was rendered (a command worker)."""
        return Reply(
            outcome=self.outcome,
            command=self.command,
            visibility=self.visibility,
            files=self.files,
            language=self.language,
            wrote=self.wrote,
            queued=self.queued,
        )

    def add_field(self, label: str, value: str) -> None:
        """Append a label/value pair."""
        self.fields.append(ReplyField(label=label, value=value))


@dataclass(frozen=True)
class Address:
    """Where to reach a person (`user_id`), or a channel (`channel_id`), on one platform."""

    platform: str
    user_id: str = ""
    channel_id: str | None = None


@dataclass(frozen=True)
class Notification:
    """A message for someone other than the requester, already in their language."""

    person_id: int
    addresses: tuple[Address, ...]
    reply: Reply
    # A file that goes with it (an updated .ics invitation).
    attachment: Attachment | None = None
