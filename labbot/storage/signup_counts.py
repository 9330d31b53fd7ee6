"""Live signups per event and state, kept in step with `signups` inside the same flush.

`evenements` shows every event's seats left and queue; counting them from `signups` read every live signup of
every event (~20 000 index entries at national scale, the waiting lists: ~1 ms of SQLite, most of the command).
As with the hour totals (labbot.storage.hour_totals), a `before_flush` hook sees new, changed and deleted
signups and adds their difference with an atomic upsert (`signups = signup_counts.signups + excluded.signups`),
safe under concurrent writers. A person's signups erased in bulk (labbot.storage.personal) are taken out with
`without_person`; bulk loads that bypass the ORM call `rebuild`.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, inspect, select
from sqlalchemy.orm import Session

from labbot.states import LIVE_SIGNUPS
from labbot.storage.models import Signup, SignupCount
from labbot.storage.rows import rows
from labbot.storage.upserts import AddingUpsert

_TABLE: Table = SignupCount.__table__  # type: ignore[assignment]  # a Table for a mapped class
Changes = Counter[tuple[int, str]]


# A signup's flush runs one or two of these.
_ADD = AddingUpsert(_TABLE, ("event_id", "state"), ("signups",))
_LIVE_COUNTS = select(SignupCount.event_id, SignupCount.state, SignupCount.signups).where(SignupCount.signups > 0)
_RECOUNT = (
    select(Signup.event_id, Signup.state, func.count())
    .where(Signup.state.in_(LIVE_SIGNUPS))
    .group_by(Signup.event_id, Signup.state)
)
_PERSON_LIVE = (
    select(Signup.event_id, Signup.state)
    .where(Signup.person_id == bindparam("person_id"), Signup.state.in_(LIVE_SIGNUPS))
    .order_by(Signup.event_id, Signup.state)
)


def _count(changes: Changes, event_id: int, state: str, sign: int) -> None:
    if state in LIVE_SIGNUPS:
        changes[(event_id, state)] += sign


def _before_change(signup: Signup) -> tuple[int, str]:
    attributes = inspect(signup).attrs
    event_id, state = (
        (attributes[name].history.deleted or attributes[name].history.unchanged or [getattr(signup, name)])[0]
        for name in ("event_id", "state")
    )
    return int(event_id), str(state)


def keep_counts(session: Session, _flush_context: object, _instances: object) -> None:
    """`before_flush` hook: carry the flush's changes to signups over to the counts."""
    changes: Changes = Counter()
    for signup in session.new:
        if isinstance(signup, Signup):
            _count(changes, signup.event_id, signup.state, +1)
    for signup in session.deleted:
        if isinstance(signup, Signup):
            _count(changes, *_before_change(signup), -1)
    for signup in session.dirty:
        if isinstance(signup, Signup) and session.is_modified(signup):
            _count(changes, *_before_change(signup), -1)
            _count(changes, signup.event_id, signup.state, +1)
    if any(changes.values()):
        _apply(session.connection(), changes)


def _apply(connection: Connection, changes: Changes) -> None:
    # In key order, so that two transactions touching the same rows take their locks in the same order.
    for (event_id, state), number in sorted(changes.items()):
        if number:
            _ADD.add(connection, {"event_id": event_id, "state": state, "signups": number})


def counts(session: Session) -> dict[int, dict[str, int]]:
    """Live signups per event and state; events and states with none are absent."""
    result: dict[int, dict[str, int]] = {}
    for event_id, state, number in rows(session, _LIVE_COUNTS):
        result.setdefault(event_id, {})[state] = int(number)
    return result


def without_person(session: Session, person_id: int) -> None:
    """Take a person's live signups out of the counts, before they are deleted in bulk (outside the ORM)."""
    changes: Changes = Counter()
    for event_id, state in rows(session, _PERSON_LIVE, {"person_id": person_id}):
        _count(changes, event_id, state, -1)
    _apply(session.connection(), changes)


def rebuild(connection: Connection) -> None:
    """Count every event's live signups again (after bulk loads that bypass the ORM)."""
    connection.execute(delete(SignupCount))
    connection.execute(insert(SignupCount).from_select(["event_id", "state", "signups"], _RECOUNT))
