"""`[console]`: where the console and `labbot say` put the files that replies carry."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from labbot.config import Settings


class ConsoleSettings(BaseModel):
    """`files_dir` is relative to the folder labbot is started from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files_dir: Path = Path("labbot-fichiers")


def console_settings(settings: Settings) -> ConsoleSettings:
    """The `[console]` table, or its defaults when it is absent."""
    return settings.section("console", ConsoleSettings) or ConsoleSettings()
