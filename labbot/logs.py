"""Logs operators can read: `[logging] format = "text" | "json"` and `[logging] level`.

Each line carries the request id, platform and command family of the command that caused it (see
`labbot.observation`). What people typed and their addresses are never logged on purpose; as a second line of
defence, anything shaped like a chat token or an e-mail address is masked before a line is written.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from labbot.config import Settings
from labbot.observation import log_context

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(platform)s %(family)s]: %(message)s"
# Slack (xoxb-, xoxp-, xapp-…) tokens, bearer headers, and e-mail addresses.
_SECRETS = re.compile(r"\b(?:xox[abpers]|xapp)-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
_EMAILS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Secrets whose shape says nothing (Mattermost tokens, signing secrets): masked by value, once read.
_KNOWN_SECRETS: set[str] = set()
_SHORTEST_SECRET = 8


class LoggingSettings(BaseModel):
    """`[logging]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["text", "json"] = "text"
    # None: INFO for the servers (`run`, `worker`), WARNING for one-off commands (`say`, `doctor`…).
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = None


def logging_settings(settings: Settings) -> LoggingSettings:
    """The `[logging]` table, or its defaults."""
    return settings.section("logging", LoggingSettings) or LoggingSettings()


def register_secret(value: str | None) -> None:
    """Never write `value` in a log line, at any level (adapters register the tokens they read)."""
    if value and len(value) >= _SHORTEST_SECRET:
        _KNOWN_SECRETS.add(value)


def masked(text: str) -> str:
    """`text` with tokens, known secrets and e-mail addresses replaced by placeholders."""
    for secret in tuple(_KNOWN_SECRETS):
        if secret in text:
            text = text.replace(secret, "<secret>")
    return _EMAILS.sub("<e-mail>", _SECRETS.sub("<secret>", text))


class CommandContextFilter(logging.Filter):
    """Adds the running command's request id, platform and family to each record, and masks secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = log_context()
        record.request_id = getattr(record, "request_id", None) or context.request_id or "-"
        record.platform = getattr(record, "platform", None) or context.platform or "-"
        record.family = getattr(record, "family", None) or context.family or "-"
        message = record.getMessage()
        record.msg, record.args = masked(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = masked(logging.Formatter().formatException(record.exc_info))
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, platform, family, duration."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "platform", "family"):
            value = getattr(record, key, "-")
            if value != "-":
                line[key] = value
        if (duration := getattr(record, "duration_ms", None)) is not None:
            line["duration_ms"] = duration
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def configure_logging(settings: LoggingSettings, *, server: bool, verbose: bool = False) -> None:
    """Send every log line to standard error in the configured format and level."""
    level = "DEBUG" if verbose else settings.level or ("INFO" if server else "WARNING")
    handler = logging.StreamHandler()
    handler.addFilter(CommandContextFilter())
    handler.setFormatter(JsonLines() if settings.format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's own loggers keep their handlers unless told otherwise: route them through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
