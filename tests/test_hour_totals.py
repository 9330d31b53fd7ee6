"""The monthly hour totals behind regions' reports stay equal to the entries through every change."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from labbot.messages import Outcome, Request
from labbot.storage import hour_totals
from labbot.storage.models import HourEntry, HourMonthTotal, HourProjectTotal
from tests.conftest import Conversation


def kept_totals(bot: Conversation) -> list[tuple[object, ...]]:
    with bot.app.database.transaction() as session:
        rows = session.execute(
            select(HourMonthTotal.project_id, HourMonthTotal.month, HourMonthTotal.minutes,
                   HourMonthTotal.minute_rate_cents)
            .where(HourMonthTotal.minutes != 0)
            .order_by(HourMonthTotal.project_id, HourMonthTotal.month)
        )  # fmt: skip
        return [tuple(row) for row in rows]


def recomputed_totals(bot: Conversation) -> list[tuple[object, ...]]:
    with bot.app.database.engine.begin() as connection:
        hour_totals.rebuild(connection)
    return kept_totals(bot)


def test_totals_follow_logging_correcting_and_deleting(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 3h30 date:02/05/2016")  # entry 1
    lab.ok("bruno", "heures 1 2h date:03/06/2016")  # entry 2
    lab.ok("alice", "heures 1 1h date:04/06/2016")  # entry 3
    lab.ok("alice", "corriger 1 duree:4h date:05/06/2016")  # moves to June, changes the duration
    lab.ok("claire", "profil bruno taux:60")
    lab.ok("bruno", "corriger 2 activite:Atelier")  # no change to the totals
    lab.ok("alice", "supprimer 3")
    kept = kept_totals(lab)
    assert kept == recomputed_totals(lab)
    with lab.app.database.transaction() as session:
        assert session.scalar(select(func.sum(HourMonthTotal.minutes))) == 4 * 60 + 2 * 60


def test_region_reports_read_the_totals(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 3h30 date:02/05/2016")  # category A, 50 €/h: 175,00 €
    lab.ok("bruno", "heures 1 2h date:03/06/2016")  # category B, 35 €/h: 70,00 €
    by_project = lab.ok("claire", "rapport par:projet")
    assert "#1 Lab Bretagne" in by_project
    assert "245,00 €" in by_project
    by_month = lab.ok("claire", "rapport par:mois")
    assert "2016-05" in by_month
    assert "175,00 €" in by_month
    assert "2016-06" in by_month
    assert "70,00 €" in by_month
    lab.ok("bruno", "supprimer 2")
    assert "2016-06" not in lab.ok("claire", "rapport par:mois")


def test_totals_stay_exact_when_two_agents_log_at_once(lab: Conversation) -> None:
    # alice and bruno write the same project-month row of the totals concurrently: the upsert adds, never
    # overwrites, so no entry is lost from the totals.
    requests = [
        Request(platform="console", user_id=user, text=f"heures 1 1h date:0{day}/06/2016")
        for day in range(1, 7)
        for user in ("alice", "bruno")
    ]
    with ThreadPoolExecutor(8) as pool:
        outcomes = [reply.outcome for reply in pool.map(lab.app.bot.handle, requests)]
    assert outcomes == [Outcome.DONE] * len(requests)
    kept = kept_totals(lab)
    assert kept[0][2] == 12 * 60
    assert kept == recomputed_totals(lab)
    # The per-project totals beside the monthly ones, alike.
    per_project, summed = project_totals(lab)
    assert per_project == summed
    assert per_project[0][1] == 12 * 60


def project_totals(bot: Conversation) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The kept totals per project, and the same summed from the entries themselves."""
    with bot.app.database.transaction() as session:
        kept = session.execute(
            select(HourProjectTotal.project_id, HourProjectTotal.minutes, HourProjectTotal.minute_rate_cents)
            .where(HourProjectTotal.minutes != 0)
            .order_by(HourProjectTotal.project_id)
        )
        value = func.sum(HourEntry.minutes * HourEntry.rate_cents)
        summed = session.execute(
            select(HourEntry.project_id, func.sum(HourEntry.minutes), value)
            .group_by(HourEntry.project_id)
            .order_by(HourEntry.project_id)
        )
        return [tuple(row) for row in kept], [tuple(row) for row in summed]


def test_project_totals_follow_logging_correcting_and_deleting(lab: Conversation) -> None:
    lab.ok("alice", 'idee "Lab Rennes" region:bretagne services:DREAL')  # project 2
    lab.ok("alice", "heures 1 3h30 date:02/05/2016")  # entry 1
    lab.ok("bruno", "heures 1 2h date:03/06/2016")  # entry 2
    lab.ok("alice", "heures 2 1h date:04/06/2016")  # entry 3
    lab.ok("alice", "corriger 1 duree:4h date:05/06/2016")
    lab.ok("claire", "profil bruno taux:60")
    lab.ok("bruno", "corriger 2 activite:Atelier")  # no change to the totals
    kept, summed = project_totals(lab)
    assert kept == summed
    assert [row[:2] for row in kept] == [(1, 6 * 60), (2, 60)]
    lab.ok("alice", "supprimer 3")
    kept, summed = project_totals(lab)
    assert kept == summed == [(1, 6 * 60, kept[0][2])]
    report = lab.ok("claire", "rapport par:projet")
    assert "#1 Lab Bretagne" in report
    assert "#2" not in report  # no hours left: not listed
