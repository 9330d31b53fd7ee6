"""Numbers that count within one project (indicator 1, plan line 3…), as people refer to them in chat."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session


def next_number(
    session: Session, number: InstrumentedAttribute[int], project: InstrumentedAttribute[int], project_id: int
) -> int:
    """One more than the highest number used in the project (numbers of deleted rows are not reused)."""
    return int(session.scalar(select(func.coalesce(func.max(number), 0)).where(project == project_id)) or 0) + 1
