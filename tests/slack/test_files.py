"""Files on Slack: an export typed in a channel arrives in the person's DM through files upload v2 (checked
against Slack's spec by the stand-in); one typed in the DM stays there; a file too large is refused with a note."""

from __future__ import annotations

import io

import openpyxl

from labbot.messages import Request
from tests.slack.conftest import Workspace, text_of, wait_for


def test_an_export_typed_in_a_channel_is_uploaded_to_the_persons_dm(slack: Workspace) -> None:
    _, url = slack.command("U0SGMAP", "export projets")
    [answer] = slack.answers(url)
    assert ".xlsx" in text_of(answer)
    [upload] = wait_for(lambda: slack.api.uploaded_files, "the export uploaded")
    assert upload.channels == (slack.api.dm_channel_of("U0SGMAP"),)  # never into the shared channel
    assert upload.filename.endswith(".xlsx")
    assert upload.alt_txt == "Projets — toutes les régions"
    book = openpyxl.load_workbook(io.BytesIO(upload.content))
    assert book.worksheets[0]["A1"].value == "#"


def test_an_export_typed_in_the_dm_is_uploaded_there(slack: Workspace) -> None:
    dm = slack.api.dm_channel_of("U0SGMAP")
    _, url = slack.command("U0SGMAP", "export projets format:csv", channel=dm)
    slack.answers(url)
    [upload] = wait_for(lambda: slack.api.uploaded_files, "the export uploaded")
    assert upload.channels == (dm,)
    assert upload.content.decode("utf-8").startswith("numero,titre,region")


def test_a_file_too_large_for_the_platform_is_refused_with_a_narrower_export_suggested(slack: Workspace) -> None:
    idea = 'idee "Lab" region:bretagne services:"DREAL"'
    slack.app.bot.handle(Request(platform="console", user_id="alice", text=idea))
    slack.platform.bridge.max_file_bytes = 100
    _, url = slack.command("U0SGMAP", "export projets")
    slack.answers(url)
    dm = slack.api.dm_channel_of("U0SGMAP")
    [note] = wait_for(lambda: slack.api.messages_in(dm), "a note instead of the file")
    assert "dépasse la taille que cette plateforme accepte" in text_of(note)
    assert "du: et au:" in text_of(note)
    assert slack.api.uploaded_files == []
