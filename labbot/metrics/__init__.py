"""Prometheus metrics (`[metrics]`), off by default.

prometheus_client decides when it is first imported whether its values live in memory or in files shared by
processes (multiprocess mode, PROMETHEUS_MULTIPROC_DIR). Slack's commands run in worker processes, so
`labbot run` prepares that directory (`prepare_multiprocess`) before anything imports prometheus_client, and
the worker processes it starts inherit it. Only this package imports prometheus_client.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from labbot.config import Settings
from labbot.observation import SILENT, Observer

log = logging.getLogger(__name__)
MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class MetricsSettings(BaseModel):
    """`[metrics]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    # None: `GET /metrics` on the [http] port; a port: a separate listener (keep it off the reverse proxy).
    port: int | None = Field(default=None, ge=1, le=65535)
    host: str = "127.0.0.1"  # of the separate listener


def metrics_settings(settings: Settings) -> MetricsSettings:
    """The `[metrics]` table, or its defaults (off)."""
    return settings.section("metrics", MetricsSettings) or MetricsSettings()


def observer_for(settings: Settings) -> Observer:
    """Prometheus instruments when `[metrics] enabled`, else an observer that measures nothing."""
    if not metrics_settings(settings).enabled:
        return SILENT
    from labbot.metrics.instruments import PrometheusObserver  # noqa: PLC0415 - see the module's docstring

    return PrometheusObserver()


def prepare_multiprocess(settings: Settings) -> Path | None:
    """Give this process and its children a fresh directory for prometheus_client's shared values.

    An operator's PROMETHEUS_MULTIPROC_DIR is used (one per labbot process) and emptied of an earlier run's
    files; otherwise a temporary one is made and removed at exit.
    """
    if not metrics_settings(settings).enabled:
        return None
    given = os.environ.get(MULTIPROC_VARIABLE)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
    else:
        directory = Path(tempfile.mkdtemp(prefix="labbot-metrics-"))
        os.environ[MULTIPROC_VARIABLE] = str(directory)
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    if "prometheus_client.values" in sys.modules:
        # Imported too early (by a plugin or a test): switch its value store now, before any metric exists.
        from prometheus_client import values  # noqa: PLC0415

        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    log.info("metrics shared by this process and its workers in %s", directory)
    return directory
