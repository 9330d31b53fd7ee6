"""`labbot doctor`: checks a deployment in order, one line each (✅ or ❌ with what to do); exit 0 or 2.

Order: the configuration, the database and its schema, each configured platform, the scheduler's leader.
A check that cannot be made because an earlier one failed says so rather than guessing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from adapters.http import HttpSettings
from adapters.platform import PLATFORM_NAMES
from adapters.preflight import check_known_tables
from labbot.config import ConfigError, load_settings
from labbot.logs import LoggingSettings
from labbot.metrics import MetricsSettings
from labbot.scheduling.leadership import current_leader
from labbot.storage.database import alembic_config, normalize_url

EXIT_HEALTHY, EXIT_UNHEALTHY = 0, 2
# The core's own optional tables; the platforms' are validated by their own doctor module.
_SECTIONS: dict[str, type[BaseModel]] = {
    "http": HttpSettings,
    "logging": LoggingSettings,
    "metrics": MetricsSettings,
}


@dataclass(frozen=True)
class Check:
    """One line of the diagnosis."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        """`✅ name: detail`, or `❌ name: detail → what to do`, on one line."""
        detail = " ".join(part.strip() for part in self.detail.splitlines() if part.strip())
        if self.ok:
            return f"✅ {self.name}: {detail}"
        return f"❌ {self.name}: {detail}" + (f" → {self.fix}" if self.fix else "")


def run_doctor(config_path: str | None) -> int:
    """Print every check; 0 when all pass, 2 otherwise."""
    healthy = True
    for check in diagnose(config_path):
        print(check.line(), flush=True)  # noqa: T201
        healthy = healthy and check.ok
    return EXIT_HEALTHY if healthy else EXIT_UNHEALTHY


def diagnose(config_path: str | None) -> Iterator[Check]:
    """The checks, in order, as they are made."""
    try:
        settings = load_settings(config_path)
        check_known_tables(settings)
        for name, model in _SECTIONS.items():
            settings.section(name, model)
    except ConfigError as error:
        yield Check("configuration", False, str(error), "fix the file, then run labbot doctor again")
        return
    yield Check("configuration", True, f"valid ({settings.source})")
    database = check_database(settings.database.url)
    yield database
    for name in PLATFORM_NAMES:
        if (settings.model_extra or {}).get(name) is not None:
            module = importlib.import_module(f"adapters.{name}.doctor")
            yield from module.checks(settings)
    yield (
        check_leader(settings.database.url)
        if database.ok
        else Check("scheduler leader", False, "unknown while the database is not right", "fix the database first")
    )


def check_database(url: str) -> Check:
    """Reachable, and at the latest migration (the doctor never changes the schema itself)."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 - kept out of every other command
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    shown = make_url(url).render_as_string(hide_password=True)
    parsed = make_url(url)
    on_disk = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if on_disk and not Path(str(parsed.database)).exists():
        return Check("database", False, f"no SQLite file at {parsed.database}", "run `labbot db upgrade`")
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # whatever the driver raises, the operator needs its text
        return Check(
            "database",
            False,
            f"{shown} is unreachable: {type(error).__name__}: {str(error).splitlines()[0][:200]}",
            "check [database] url (or LABBOT_DATABASE_URL), that the server runs and accepts labbot's user",
        )
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current != head:
        return Check(
            "database",
            False,
            f"{shown} reachable, schema at {current or 'no migration'} but labbot needs {head}",
            "run `labbot db upgrade` (after a backup: see README, Exploitation)",
        )
    return Check("database", True, f"{shown} reachable, schema at the latest migration ({head})")


def check_leader(url: str) -> Check:
    """Who runs the scheduler and the delivery worker, and since when."""
    try:
        leader = current_leader(url)
    except Exception as error:  # an unreachable server: say so rather than "no leader"
        return Check("scheduler leader", False, f"cannot be read: {error}", "check the database")
    if leader is None:
        return Check(
            "scheduler leader",
            False,
            "no process runs the scheduler: reminders, announcements and deliveries wait",
            "start `labbot run` (or `labbot worker`); on PostgreSQL, a replica takes over within seconds",
        )
    return Check("scheduler leader", True, leader)
