"""Files on Mattermost: the export is uploaded (POST /files, checked against the OpenAPI spec by the stand-in)
and posted with the answer in the person's direct conversation; a file too large is refused with a note."""

from __future__ import annotations

import io

import openpyxl

from tests.mattermost.conftest import Mattermost, wait_until


def test_an_export_is_uploaded_and_posted_with_the_answer(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL"')
    mattermost.slash(mattermost.alice, "export projets region:bretagne", answered=False)
    dm = mattermost.dm_with(mattermost.alice)
    [post] = wait_until(lambda: [p for p in mattermost.bot_posts(dm) if p.get("file_ids")])
    assert ".xlsx" in post["message"]
    [file_id] = post["file_ids"]
    uploaded = mattermost.api.files[file_id]
    assert uploaded.name.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(uploaded.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == (1, "Lab Bretagne")
    assert mattermost.bot_posts(mattermost.channel_id) == []  # nothing in the shared channel


def test_a_file_too_large_is_refused_with_a_narrower_export_suggested(mattermost: Mattermost) -> None:
    mattermost.platform.adapter.max_file_bytes = 100
    mattermost.slash(mattermost.alice, "export projets", answered=False)
    dm = mattermost.dm_with(mattermost.alice)
    [post] = wait_until(lambda: mattermost.bot_posts(dm))
    assert "dépasse la taille que cette plateforme accepte" in post["message"]
    assert not post.get("file_ids")
    assert mattermost.api.files == {}
