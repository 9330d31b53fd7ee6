"""The call's seven hallmarks of a lab, each with what the project wrote for it and what to do if missing.

Five are written as text on the project (objective, place, governance, projects; methods as an open list);
the team's is read from its members' competences (at least two distinct), evaluation's from its indicators
(at least one; `modifier <ref> indicateurs:"…"` adds how they are followed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labbot.i18n import _, ngettext
from labbot.storage.models import Project
from labbot.vocabulary import COMPETENCES, METHODS


@dataclass(frozen=True)
class Hallmark:
    """One hallmark: its name, what is written (empty when nothing), whether it is met, and how to meet it."""

    key: str
    label: str
    content: str
    met: bool
    todo: str


def hallmarks_of(project: Project, members: Sequence[str], indicators: Sequence[str]) -> list[Hallmark]:
    """The seven hallmarks of `project`, in the call's order, from its team members' competences (one per
    member) and its indicators' names."""
    number = project.id
    competences = list(dict.fromkeys(members))
    team_text = ", ".join(COMPETENCES.label(c) for c in competences)
    if members:
        team_text += " " + ngettext("({count} person)", "({count} people)", len(members)).format(
            count=len(members)
        )
    evaluation = "; ".join(indicators)
    if project.indicators:
        evaluation = f"{evaluation} — {project.indicators}" if evaluation else project.indicators

    def written(key: str, label: str, text: str, todo: str) -> Hallmark:
        return Hallmark(key, label, text, bool(text.strip()), todo)

    return [
        written("objectif", _("An objective"), project.objective, f'modifier {number} objectif:"…"'),
        Hallmark(
            "equipe",
            _("A multidisciplinary team"),
            team_text,
            len(competences) >= 2,
            _("colleagues with another competence join: join {number} competence:designer").format(number=number),
        ),
        written(
            "methodes",
            _("Innovative methods"),
            ", ".join(METHODS.label(m) for m in project.methods),
            f'modifier {number} methodes:"design, open data"',
        ),
        Hallmark(
            "evaluation",
            _("Evaluation indicators"),
            evaluation,
            bool(indicators),
            _('define one: indicator {number} "Délai de traitement" unite:jours cible:30').format(number=number),
        ),
        written("lieu", _("An open place"), project.place, f'modifier {number} lieu:"…"'),
        written(
            "gouvernance", _("A structured governance"), project.governance, f'modifier {number} gouvernance:"…"'
        ),
        written("projets", _("Projects to run"), project.portfolio, f'modifier {number} projets:"…"'),
    ]
