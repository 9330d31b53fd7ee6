"""Names for the states things are in: roles, project statuses, signup states.

StrEnums, so what is stored and typed stays the same text (`"coordinateur"`) while code names it once.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may do across labbot (the project-level lead is not a role: see labbot.policy)."""

    AGENT = "agent"
    COORDINATOR = "coordinateur"
    ADMIN = "admin"


ROLE_RANK: dict[str, int] = {Role.AGENT: 0, Role.COORDINATOR: 1, Role.ADMIN: 2}


class ProjectStatus(StrEnum):
    """A project's stage in the call's lifecycle."""

    IDEA = "idee"
    PREPARING = "en-preparation"
    FILED = "depose"
    SELECTED = "retenu"
    NOT_SELECTED = "non-retenu"
    RUNNING = "en-cours"
    COMPLETED = "termine"


# Projects that take no new hours, costs, meetings or members.
CLOSED_STATUSES = frozenset({ProjectStatus.NOT_SELECTED, ProjectStatus.COMPLETED})


class SignupState(StrEnum):
    """A signup for an event: a seat, a place in the queue, or cancelled (kept for the record)."""

    REGISTERED = "inscrit"
    WAITING = "attente"
    CANCELLED = "annule"


LIVE_SIGNUPS = (SignupState.REGISTERED, SignupState.WAITING)


class DeliveryState(StrEnum):
    """Where one message of the outbox is: queued, being sent (its marker may be on the platform), or done."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
