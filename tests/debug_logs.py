"""`labbot run -v`'s logging, captured in a file, for tests that grep the logs (for secrets, for instance)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from labbot.logs import LoggingSettings, configure_logging


@contextmanager
def debug_logs(path: Path) -> Iterator[Path]:
    """`labbot run -v`'s logging (debug, its handler and filters) written to `path` while inside; the test's
    own handlers come back after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging(LoggingSettings(), server=True, verbose=True)
    with path.open("w", encoding="utf-8") as out:
        [handler] = root.handlers
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(out)
        yield path
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def fragments(secret: str, size: int = 10) -> set[str]:
    """Every `size`-character piece of `secret`: a log that holds one holds too much of it."""
    return {secret[start : start + size] for start in range(len(secret) - size + 1)}
