"""Errors whose text is the user's reply.

A handler raises one of these; the engine turns it into a refusal and writes nothing. Messages are already
translated when raised (inside the request's locale).
"""

from __future__ import annotations


class CommandError(Exception):
    """A refusal explained to the user; `hint` shows what to type instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidInput(CommandError, ValueError):
    """A value the user typed is wrong or missing (a ValueError, so pydantic reports it against its field)."""

    def __init__(self, message: str, hint: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field


class InvalidFields(InvalidInput):
    """Several answers of a form are wrong: a message for each field (the first one is the message)."""

    def __init__(
        self, message: str, hint: str | None = None, *, field: str | None = None, problems: dict[str, str]
    ) -> None:
        super().__init__(message, hint, field=field)
        self.problems = problems


class NotFound(CommandError):
    """A project, event, user or entry that does not exist (or that the user may not see)."""


class Forbidden(CommandError):
    """The user's role does not allow this."""


class Conflict(CommandError):
    """The request contradicts the current state (already signed up, cap exceeded...)."""
