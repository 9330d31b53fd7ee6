"""The ledger a funder can trust: one cap over time and costs, the PIA ceiling, crossings told once, exact
totals that agree everywhere to the cent, bounded dates and closed projects."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labbot.i18n import use_locale
from labbot.scheduling.reminders import digest_reply
from labbot.storage import digest
from tests.conftest import Conversation
from tests.filing_steps import file_and_start, make_ready

_MONEY = r"(-?\d{1,3}(?: \d{3})*,\d\d) €"


@pytest.fixture
def capped(lab: Conversation) -> Conversation:
    """Project #1 under way since 31/08/2016 with 499 000 € of costs; today is 10/06/2017."""
    lab.clock.advance(days=365)
    file_and_start(lab, filed="15/06/2016", decided="15/07/2016", start="31/08/2016")
    lab.ok("claire", 'depense 1 "499 000" type:prestataire libelle:"Prestations" date:01/09/2016')
    return lab


def test_hours_past_the_cap_are_recorded_as_an_overrun_never_funded(capped: Conversation) -> None:
    capped.ok("alice", "heures 1 24h date:01/06/2017")  # 24 h × 50 € = 1 200 €: 200 € past the cap
    capped.ok("alice", "heures 1 24h date:02/06/2017")  # 1 400 € past it
    said = capped.ok("claire", "budget 1")
    assert "501 400,00 €" in said  # the total: time worked is a fact
    assert "dépassement de 1 400,00 €" in said
    assert "250 000,00 €" in said  # the PIA share: half the cap, never more
    pia = re.search(r"Part PIA \(50 %\) : " + _MONEY, said.text)
    assert pia is not None
    assert pia.group(1) == "250 000,00"


def test_crossing_the_warning_and_the_cap_tells_the_author_and_each_coordinator_once(lab: Conversation) -> None:
    lab.ok("claire", 'depense 1 "399 000" type:prestataire libelle:"Prestations" date:01/06/2016')
    lab.ok("claude", "aide")
    lab.ok("sgmap", "role claude coordinateur region:bretagne")
    warned = lab.ok("alice", "heures 1 20h date:01/06/2016")  # 400 000 €: 80 %
    assert "80" in warned
    assert len([t for t in lab.sent_to("claire") if "80" in t]) == 1
    assert len([t for t in lab.sent_to("claude") if "80" in t]) == 1
    quiet = lab.ok("alice", "heures 1 1h date:02/06/2016")  # still warned: no second message
    assert "80" in quiet  # the author reads it every time
    assert len([t for t in lab.sent_to("claire") if "plafond" in t]) == 1
    lab.ok("claire", 'depense 1 "99 900" type:prestataire libelle:"Reste" date:03/06/2016')  # 500 000 − 50 €
    over = lab.ok("bruno", "heures 1 2h date:03/06/2016")  # 70 € → 20 € past the cap
    assert "dépassement de 20,00 €" in over
    assert [t for t in lab.sent_to("claire") if "dépassement" in t] == [
        "⚠ Le budget dépasse le plafond de 500 000,00 € : dépassement de 20,00 €, non financé."
    ]
    refused = lab.say("claire", "depense 1 10 type:autre libelle:Divers date:03/06/2016")
    assert not refused.ok
    assert "30,00 €" in refused  # by how much: 20 € already past, plus these 10 €


def test_the_window_end_at_month_ends_is_shown_on_budget(capped: Conversation) -> None:
    said = capped.ok("claire", "budget 1")
    assert "28/02/2018" in said  # 31/08/2016 + 18 months: February has no 31st
    assert "dernier jour" in said
    english = capped.ok("claire", "budget-report 1", lang="en")
    assert "last day" in english


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("heures 1 2h date:01/01/0001", "date"),  # never read as 2001
        ("heures 1 2h date:1900-01-01", "date"),
        ("heures 1 2h date:31/12/2015", "date"),
        ("heures 1 2h date:01/01/3016", "date"),
        ("depense 1 100 type:autre libelle:X date:11/06/2016", "date"),  # tomorrow
        ("statut 1 en-preparation date:01/01/2030", None),
    ],
)
def test_dates_out_of_bounds_or_in_the_future_are_refused_and_write_nothing(
    lab: Conversation, command: str, field: str | None
) -> None:
    user = "alice" if command.startswith("heures") else "claire"
    said = lab.say(user, command)
    if command.startswith("statut"):
        assert said.ok  # leaving the idea stage records no date
        return
    assert not said.ok
    assert "date" in said.text
    assert "Aucune heure" in lab.ok("alice", "mesheures") or "0" in lab.ok("claire", "budget 1")


def test_filing_and_decision_dates_cannot_be_in_the_future(lab: Conversation) -> None:
    make_ready(lab)
    filed = lab.say("claire", "deposer 1 date:2030-01-01")
    assert not filed.ok
    assert "futur" in filed
    lab.ok("claire", "deposer 1 date:01/06/2016")
    assert not lab.say("sgmap", "decision 1 retenu montant:1000 debut:02/06/2016 date:11/06/2016").ok
    english = lab.say("sgmap", "decision 1 retenu montant:1000 debut:02/06/2016 date:11/06/2016", lang="en")
    assert "in the future" in english


@pytest.mark.parametrize("closing", ["non-retenu", "termine"])
def test_closed_projects_refuse_new_hours_costs_and_meetings(lab: Conversation, closing: str) -> None:
    lab.ok("alice", "heures 1 2h date:01/06/2016")
    make_ready(lab)
    lab.ok("claire", "deposer 1 date:02/06/2016")
    if closing == "non-retenu":
        lab.ok("sgmap", 'decision 1 non-retenu motif:"Hors critères" date:03/06/2016')
    else:
        lab.ok("sgmap", "decision 1 retenu montant:1000 debut:04/06/2016 date:03/06/2016")
        lab.ok("claire", "statut 1 en-cours date:04/06/2016")
        lab.ok("claire", "statut 1 termine date:05/06/2016")
    for user, command in (
        ("alice", "heures 1 1h"),
        ("claire", "depense 1 100 type:autre libelle:X"),
        ("bruno", 'reunion 1 partenaire:"X" categorie:association'),
    ):
        said = lab.say(user, command)
        assert not said.ok, command
        assert "clos" in said
    assert not lab.say("alice", "corriger 1 duree:3h").ok  # an agent no longer corrects
    assert "is closed" in lab.say("alice", "hours 1 1h", lang="en")


def _money(text: str) -> str:
    found = re.findall(_MONEY, text)
    assert found, text
    return str(found[-1]).strip()


def _budget_time(bot: Conversation, project: int) -> str:
    line = next(line for line in bot.ok("claire", f"budget {project}").text.splitlines() if "valorisé" in line)
    return _money(line.split("(")[0])


def _report_total(bot: Conversation, command: str) -> str:
    line = next(line for line in bot.ok("claire", command).text.splitlines() if line.startswith("Total"))
    return _money(line)


def _region_row(bot: Conversation, project: int) -> str:
    said = bot.ok("claire", "rapport region:bretagne par:projet")
    return _money(next(line for line in said.text.splitlines() if line.startswith(f"#{project} ")))


def _digest_time(bot: Conversation, project: int) -> str:
    week = (date(2016, 5, 30), date(2016, 6, 6))
    with bot.app.database.transaction() as session, use_locale("fr"):
        rows = digest.region_digest(session, "bretagne", *week)
        reply = digest_reply(rows, bot.app.settings, week)
    assert reply.table is not None
    row = next(r for r in reply.table.rows if r[0].startswith(f"#{project} "))
    return _money(row[3].replace("\u00a0", " ").replace("\u202f", " "))


# Both agents (rows of `par:agent`) and two months (rows of `par:mois`), at rates in cents that rarely divide.
ENTRIES = st.lists(
    st.tuples(st.sampled_from(["alice", "bruno"]), st.integers(1, 600), st.integers(1_000, 99_999)),
    min_size=2,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=ENTRIES)
def test_budget_reports_and_the_digest_agree_to_the_cent(
    lab: Conversation, entries: list[tuple[str, int, int]]
) -> None:
    created = lab.ok("alice", 'idee "Essai" region:bretagne services:"DREAL, DDTM"')
    project = int(re.findall(r"#(\d+) Essai", created.text)[0])
    # Fresh agents for each example, so that no day of theirs is full from an earlier one.
    names = {"alice": f"a{project}", "bruno": f"b{project}"}
    for name in names.values():
        lab.ok(name, f"rejoindre {project}")
    exact = 0
    for n, (agent, minutes, rate) in enumerate(entries):
        who = names[agent]
        lab.ok("claire", f"profil {who} taux:{rate / 100:.2f}".replace(".", ","))
        day = date(2016, 1, 25) + timedelta(days=n * 2)
        lab.ok(who, f"heures {project} {minutes}min date:{day:%d/%m/%Y}")
        exact += minutes * rate
    cents = (exact * 2 + 60) // 120  # Σ(minutes × rate) / 60, rounded half up once
    expected = f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d}"
    assert _budget_time(lab, project) == expected
    assert _report_total(lab, f"rapport {project} par:agent") == expected
    assert _report_total(lab, f"rapport {project} par:mois") == expected
    assert _region_row(lab, project) == expected
    assert _digest_time(lab, project) == expected
