"""Files that travel with a reply: stored and read back intact, saved by the console without clobbering."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.console.adapter import save_attachment
from adapters.console.settings import console_settings
from labbot.config import Settings
from labbot.messages import Attachment, Reply

BINARY = bytes(range(256)) * 4


def test_a_reply_with_a_file_survives_json_storage() -> None:
    reply = Reply(
        text="Dossier", files=[Attachment(filename="d.pdf", content=BINARY, media_type="application/pdf")]
    )
    stored = json.loads(json.dumps(reply.model_dump(mode="json")))
    assert Reply.model_validate(stored).files[0].content == BINARY


def test_the_console_saves_each_file_once_and_never_overwrites(tmp_path: Path) -> None:
    first = save_attachment(tmp_path / "out", Attachment(filename="plan.odt", content=b"one"))
    second = save_attachment(tmp_path / "out", Attachment(filename="plan.odt", content=b"two"))
    assert (first.name, second.name) == ("plan.odt", "plan (2).odt")
    assert (first.read_bytes(), second.read_bytes()) == (b"one", b"two")


def test_a_file_name_cannot_choose_its_folder(tmp_path: Path) -> None:
    saved = save_attachment(tmp_path / "out", Attachment(filename="../../etc/passwd", content=b"x"))
    assert saved.parent == tmp_path / "out"
    saved = save_attachment(tmp_path / "out", Attachment(filename="..\\..\\boot.ini", content=b"x"))
    assert saved.parent == tmp_path / "out"


def test_files_dir_defaults_and_can_be_configured() -> None:
    assert console_settings(Settings()).files_dir == Path("labbot-fichiers")
    configured = Settings.model_validate({"console": {"files_dir": "/srv/labbot/fichiers"}})
    assert console_settings(configured).files_dir == Path("/srv/labbot/fichiers")
