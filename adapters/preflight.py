"""The whole configuration is checked before labbot changes anything (no migration, no file, no socket).

Every table is known and valid, the database is one labbot can use and can reach, and the ports `labbot run`
listens on are free. A problem is one line naming it, for the CLI to print before exiting 2.
"""

from __future__ import annotations

import difflib
import importlib
import os
import socket
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from adapters.platform import PLATFORM_NAMES
from labbot.config import ConfigError, Settings
from labbot.storage.database import normalize_url

# The optional tables, by name, with the model that validates each (imported only when the table is present).
OPTIONAL_TABLES: dict[str, str] = {
    "commands": "adapters.runner:CommandSettings",
    "console": "adapters.console.settings:ConsoleSettings",
    "http": "adapters.http:HttpSettings",
    "logging": "labbot.logs:LoggingSettings",
    "metrics": "labbot.metrics:MetricsSettings",
    # Each platform's table: the model its settings module names TABLE.
    **{name: f"adapters.{name}.settings:TABLE" for name in PLATFORM_NAMES},
}
_DATABASES = ("sqlite", "postgresql")
_CONNECT_SECONDS = 5


def check_configuration(
    settings: Settings, *, connect: bool = True, listening: bool = False, metrics_listener: bool = False
) -> None:
    """Raise ConfigError on the first problem: unknown or invalid table, unusable database, busy port.

    `connect`: the database server must answer; `listening`: the `[http]` port must be free (`labbot run`);
    `metrics_listener`: so must `[metrics] port`.
    """
    check_tables(settings)
    check_database(settings.database.url, connect=connect)
    if listening:
        http = _section(settings, "http")
        check_port(getattr(http, "host", "127.0.0.1"), getattr(http, "port", 3000), "[http] port")
    metrics = _section(settings, "metrics")
    if (listening or metrics_listener) and getattr(metrics, "enabled", False) and getattr(metrics, "port", None):
        check_port(metrics.host, metrics.port, "[metrics] port")  # type: ignore[union-attr]


def check_tables(settings: Settings) -> None:
    """Every table of the file is one labbot knows, and each optional table is valid."""
    check_known_tables(settings)
    for name in OPTIONAL_TABLES:
        _section(settings, name)


def check_known_tables(settings: Settings) -> None:
    """Every table of the file is one labbot knows (a misspelt `[budgett]` is not silently ignored)."""
    core = [name for name in Settings.model_fields if name != "source"]
    known = sorted([*core, *OPTIONAL_TABLES])
    for name in settings.model_extra or {}:
        if name not in OPTIONAL_TABLES:
            close = difflib.get_close_matches(name, known, n=1)
            guess = f" (did you mean [{close[0]}]?)" if close else ""
            raise ConfigError(
                f"{settings.source}: unknown table [{name}]{guess}; the tables are "
                + ", ".join(f"[{table}]" for table in known)
            )


def _section(settings: Settings, name: str) -> BaseModel | None:
    module, _colon, model = OPTIONAL_TABLES[name].partition(":")
    if (settings.model_extra or {}).get(name) is None:
        return None
    validated: BaseModel | None = settings.section(name, getattr(importlib.import_module(module), model))
    return validated


def check_database(url: str, *, connect: bool = True) -> None:
    """A SQLite file in an existing folder, or a PostgreSQL server that answers (nothing is created)."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError:
        raise ConfigError(
            f"[database] url: {url!r} is not a database URL (e.g. sqlite:///labbot.db or "
            "postgresql://labbot@localhost/labbot)"
        ) from None
    backend = parsed.get_backend_name()
    shown = parsed.render_as_string(hide_password=True)
    if backend not in _DATABASES:
        raise ConfigError(
            f"[database] url: labbot runs on SQLite or PostgreSQL, not {backend} ({shown}); "
            "e.g. sqlite:///labbot.db or postgresql://labbot@localhost/labbot"
        )
    if backend == "sqlite":
        _check_sqlite_file(parsed.database)
        return
    if not connect:
        return
    engine = create_engine(parsed, connect_args={"connect_timeout": _CONNECT_SECONDS})
    try:
        with engine.connect():
            pass
    except Exception as error:  # whatever the driver raises, the operator needs its first line
        reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]
        raise ConfigError(f"[database] url: cannot connect to {shown}: {reason[:200]}") from None
    finally:
        engine.dispose()


def _check_sqlite_file(database: str | None) -> None:
    if database in (None, "", ":memory:") or str(database).startswith("file:"):
        return
    path = Path(str(database))
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise ConfigError(f"[database] url: {path} is a folder, not an SQLite file")
    if not folder.is_dir():
        raise ConfigError(f"[database] url: the folder {folder} of the SQLite file {path} does not exist")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise ConfigError(f"[database] url: labbot cannot write to {path if path.exists() else folder}")


def check_port(host: str, port: int, what: str) -> None:
    """`host:port` can be listened on now (uvicorn binds with SO_REUSEADDR too)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as error:
        raise ConfigError(f"{what}: cannot listen on {host}:{port}: {error.strerror or error}") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise ConfigError(
                f"{what}: {host}:{port} is not available ({error.strerror or error}); "
                "stop what listens there or choose another port"
            ) from None
