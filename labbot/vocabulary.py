"""The call's fixed vocabularies: regions, methods, competences, partner categories, cost types, roles.

Each term has a stable key (what users type in French and what is stored), an English label marked for
translation, the word English readers type for it, and aliases. Matching ignores case, accents and punctuation,
so `Île-de-France`, `ile de france` and `idf` all find the same region; a refusal and the help list the words
of the reader's language. Every set of words a command accepts is a vocabulary, so that each word and its
English form are declared once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from slugify import slugify

from labbot.i18n import LANGUAGES, N_, Language, _, current_language, or_list


def _slug(text: str) -> str:
    # `A+` and `A` are two civil-service categories: a plus is a word of its own, not punctuation.
    return slugify(text, replacements=[["+", "-plus"]])


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    english: str = ""  # what English readers type, when it is not the key itself

    def display(self) -> str:
        """The translated label."""
        return _(self.label)

    def typed(self) -> str:
        """How the reader types this term: its English word for English readers, else its key."""
        return self.english if self.english and current_language() == "en" else self.key


class Vocabulary:
    """An ordered set of terms, looked up by key, label or alias."""

    def __init__(self, *terms: Term) -> None:
        self.terms = terms
        self._index: dict[str, Term] = {}
        # Stored rows hold a term's key exactly: found without slugifying (reports label every row).
        self._keys = {term.key: term for term in terms}
        for term in terms:
            for name in (term.key, term.label, term.english, *term.aliases):
                self._index[_slug(name)] = term

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def find(self, text: str) -> Term | None:
        """The term `text` names, or None."""
        return self._index.get(_slug(text))

    def get(self, key: str) -> Term:
        """The term stored under `key`."""
        return self._keys.get(key) or self._index[_slug(key)]

    def codes(self) -> list[str]:
        """Every term's key, in order."""
        return [term.key for term in self.terms]

    def choices(self) -> str:
        """Every term as the reader types it, in order: what a refusal lists."""
        return ", ".join(term.typed() for term in self.terms)

    def listed(self, default: str | None = None) -> str:
        """Every term as the reader types it, as a sentence says it (`agent, mois ou projet`); the term stored
        under `default` is marked as the default. What the help lists."""
        words = [
            _("{value} (default)").format(value=term.typed()) if term.key == default else term.typed()
            for term in self.terms
        ]
        return or_list(words)

    def typed(self, key: str) -> str:
        """How the reader types the term stored under `key`."""
        term = self._keys.get(key) or self._index.get(_slug(key))
        return term.typed() if term else key

    def label(self, key: str) -> str:
        """The translated label of `key` (the key itself if unknown, e.g. retired terms in old rows)."""
        term = self._keys.get(key) or self._index.get(_slug(key))
        return term.display() if term else key


REGIONS = Vocabulary(
    Term("auvergne-rhone-alpes", N_("Auvergne-Rhône-Alpes"), ("ara",)),
    Term("bourgogne-franche-comte", N_("Bourgogne-Franche-Comté"), ("bfc",)),
    Term("bretagne", N_("Brittany"), ("bretagne",)),
    Term("centre-val-de-loire", N_("Centre-Val de Loire"), ("cvl",)),
    Term("corse", N_("Corsica"), ("corse",)),
    # 2016 names: the regions merged on 1 January 2016 had provisional names until the autumn.
    Term("grand-est", N_("Grand Est"), ("alsace-champagne-ardenne-lorraine", "acal")),
    Term("hauts-de-france", N_("Hauts-de-France"), ("nord-pas-de-calais-picardie", "npdcp")),
    Term("ile-de-france", N_("Île-de-France"), ("idf",)),
    Term("normandie", N_("Normandy"), ("normandie",)),
    Term("nouvelle-aquitaine", N_("Nouvelle-Aquitaine"), ("aquitaine-limousin-poitou-charentes", "alpc")),
    Term("occitanie", N_("Occitanie"), ("languedoc-roussillon-midi-pyrenees", "lrmp")),
    Term("pays-de-la-loire", N_("Pays de la Loire"), ("pdl",)),
    Term("provence-alpes-cote-d-azur", N_("Provence-Alpes-Côte d'Azur"), ("paca", "region-sud")),
    Term("guadeloupe", N_("Guadeloupe")),
    Term("martinique", N_("Martinique")),
    Term("guyane", N_("French Guiana"), ("guyane",)),
    Term("la-reunion", N_("La Réunion"), ("reunion",)),
    Term("mayotte", N_("Mayotte")),
)

METHODS = Vocabulary(
    Term("design-de-services", N_("service design"), ("design", "design-services"), english="service-design"),
    Term("co-construction", N_("co-construction"), ("co-conception",), english="co-design"),
    Term("open-data", N_("open data"), ("donnees-ouvertes",)),
    Term(
        "developpement-agile", N_("agile digital development"), ("developpement-numerique-agile",), english="agile"
    ),
    Term("economie-comportementale", N_("behavioural economics"), ("nudge",), english="behavioral-economics"),
    Term("datasciences", N_("data science"), ("science-des-donnees",), english="data-science"),
    Term(
        "participation-citoyenne", N_("citizen participation"), ("participation",), english="citizen-participation"
    ),
    Term("open-innovation", N_("open innovation"), ("innovation-ouverte",)),
    Term("experimentation", N_("experimentation"), ("test", "prototypage", "prototyping")),
)

COMPETENCES = Vocabulary(
    Term("expert", N_("public-policy expert"), ("expert-politique-publique",), english="policy-expert"),
    Term("designer", N_("designer"), ("design",)),
    Term("developpeur", N_("developer"), ("dev", "developpeuse"), english="developer"),
    Term("communicant", N_("communicator"), ("communication", "communicante"), english="communicator"),
    Term("statisticien", N_("statistician"), ("statisticienne", "statistiques", "data"), english="statistician"),
    Term("coordinateur", N_("coordinator"), ("coordinatrice", "coordination"), english="coordinator"),
    Term("juriste", N_("legal expert"), ("droit",), english="lawyer"),
    Term("chef-de-projet", N_("project manager"), ("cheffe-de-projet", "pm"), english="project-manager"),
    Term("autre", N_("other"), english="other"),
)

PARTNER_CATEGORIES = Vocabulary(
    Term(
        "operateur",
        N_("public operator (ARS, Caisse des dépôts, Pôle emploi…)"),
        ("operateur-public",),
        english="operator",
    ),
    Term(
        "collectivite",
        N_("local authority or local public body"),
        ("collectivite-territoriale", "etablissement-public-local"),
        english="local-authority",
    ),
    Term(
        "recherche",
        N_("higher education and research"),
        ("universite", "enseignement-superieur"),
        english="research",
    ),
    Term("entreprise", N_("company, incl. start-ups"), ("start-up", "startup"), english="company"),
    Term("association", N_("association"), ("asso",)),
    Term("usagers", N_("public-service users"), ("usager", "citoyens"), english="users"),
)

COST_TYPES = Vocabulary(
    Term("prestataire", N_("contractor"), ("prestation",), english="contractor"),
    Term("materiel", N_("equipment"), ("equipement",), english="equipment"),
    Term("autre", N_("other"), english="other"),
)

# What a funding plan forecasts: agents' valued time, or a cost of one of the cost types.
PLAN_NATURES = Vocabulary(
    Term("temps", N_("agents' valued time"), ("heures", "hours"), english="time"),
    *COST_TYPES.terms,
)

COFUNDING_STATUSES = Vocabulary(
    Term("envisage", N_("envisaged"), ("envisagee", "prevu"), english="envisaged"),
    Term("confirme", N_("confirmed"), ("confirmee", "acquis"), english="confirmed"),
)

ROLES = Vocabulary(
    Term("agent", N_("agent")),
    Term("coordinateur", N_("coordinator"), ("coordinatrice",), english="coordinator"),
    Term("admin", N_("administrator (SGMAP)"), ("administrateur", "sgmap")),
)

# Written the same in both languages: the letters are the labels.
CIVIL_SERVICE_CATEGORIES = Vocabulary(Term("A+", "A+"), Term("A", "A"), Term("B", "B"), Term("C", "C"))

# A person's language, named in itself (a reader looks for their own language's name).
_ENDONYMS: dict[Language, str] = {"fr": "français", "en": "English"}
LANGUAGE_NAMES = Vocabulary(*(Term(language, _ENDONYMS[language]) for language in LANGUAGES))


def method_notes(methods: list[str]) -> list[str]:
    """The call's list of methods ends with "…": a method it does not name is kept as typed, and the known
    ones close to it are suggested."""
    notes = []
    for method in methods:
        if METHODS.find(method) is None:
            close = difflib.get_close_matches(slugify(method), METHODS.codes(), n=2, cutoff=0.6)
            note = _("Method “{method}” kept as typed.").format(method=method)
            if close:
                note += " " + _("Did you mean: {choices}?").format(choices=", ".join(close))
            notes.append(note)
    return notes
