"""A project's lifecycle: idee → en-preparation → depose → retenu | non-retenu; retenu → en-cours → termine."""

from __future__ import annotations

from labbot.i18n import N_
from labbot.vocabulary import Term, Vocabulary

STATUSES = Vocabulary(
    Term("idee", N_("idea"), english="idea"),
    Term("en-preparation", N_("in preparation"), ("preparation",), english="in-preparation"),
    Term("depose", N_("filed by the prefect"), ("deposee",), english="filed"),
    Term("retenu", N_("selected"), ("retenue",), english="selected"),
    Term("non-retenu", N_("not selected"), ("non-retenue", "rejete"), english="not-selected"),
    Term("en-cours", N_("under way"), ("running",), english="in-progress"),
    Term("termine", N_("completed"), ("done", "terminee"), english="completed"),
)

# What `decision` records: the two outcomes of a filing, typed as their statuses are.
DECISIONS = Vocabulary(*(term for term in STATUSES if term.key in ("retenu", "non-retenu")))

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "idee": ("en-preparation",),
    "en-preparation": ("idee", "depose"),
    "depose": ("retenu", "non-retenu"),
    "retenu": ("en-cours",),
    "non-retenu": (),
    "en-cours": ("termine",),
    "termine": (),
}

# The statuses whose change records a date, and which project column holds it.
DATED_STATUSES = {
    "depose": "filed_on",
    "retenu": "decided_on",
    "non-retenu": "decided_on",
    "en-cours": "started_on",
    "termine": "ended_on",
}

# Moving out of the idea stage is the team's call; what follows (filing, selection) is the coordinators'.
TEAM_TRANSITIONS = {("idee", "en-preparation"), ("en-preparation", "idee")}


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a project may move to from `status`."""
    return TRANSITIONS.get(status, ())
