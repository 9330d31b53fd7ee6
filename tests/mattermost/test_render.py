"""Rendering replies as Mattermost Markdown, and dialog answers as command lines."""

from __future__ import annotations

from adapters.mattermost.dialogs import answers
from adapters.mattermost.render import POST_LIMIT, as_text, escape, render, split_lines
from adapters.mattermost.respond import command_response
from commands import FAMILIES
from labbot.forms import Forms
from labbot.messages import Reply, Table, Visibility
from labbot.registry import CommandRegistry


def test_escape_keeps_user_text_literal() -> None:
    assert escape("[clic](http://x) ![img](y) **gras** `code` <b> a|b ~~x~~") == (
        "\\[clic\\](http://x) !\\[img\\](y) \\*\\*gras\\*\\* \\`code\\` \\<b\\> a\\|b \\~\\~x\\~\\~"
    )
    assert escape("# titre\n> cité\n- liste\n1. un") == "\\# titre\n\\> cité\n\\- liste\n\\1. un"
    assert escape("# titre", block=False) == "# titre"


def test_table_is_markdown_with_numeric_columns_right_aligned() -> None:
    reply = Reply(title="Heures", table=Table(columns=["Agent", "Heures"], rows=[["A|B", "3"]], numeric=[1]))
    (post,) = render(reply)
    assert post.message == "#### Heures\n\n| Agent | Heures |\n| --- | ---: |\n| A\\|B | 3 |"
    assert post.props == {}


def test_split_repeats_the_table_header_and_keeps_every_line() -> None:
    lines = ["intro", "| a | b |", "| --- | --- |", *[f"| {i} | {'x' * 50} |" for i in range(100)], "fin"]
    chunks = split_lines(lines, limit=1200)
    assert all(len(chunk) <= 1200 for chunk in chunks)
    assert all(chunk.startswith("| a | b |\n| --- | --- |") for chunk in chunks[1:])
    body = [line for chunk in chunks for line in chunk.split("\n") if "x" * 50 in line]
    assert len(body) == 100
    assert chunks[-1].endswith("fin")


def test_one_huge_line_is_cut_under_the_limit() -> None:
    (only,) = split_lines(["y" * (POST_LIMIT * 2)])
    assert len(only) < POST_LIMIT


def test_fields_as_text_follow_the_language() -> None:
    reply = Reply(text="Profil")
    reply.add_field("Rôle", "agent")
    assert as_text(reply) == "Profil\n\n**Rôle**\u00a0: agent"
    reply.language = "en"
    assert as_text(reply).endswith("**Rôle**: agent")


def test_bare_verbs_open_forms_in_both_languages() -> None:
    forms = Forms(CommandRegistry(FAMILIES))
    assert forms.for_bare_verb("idee") is forms.get("idee")
    assert forms.for_bare_verb("  Hours ") is forms.get("heures")
    assert forms.for_bare_verb("meeting") is forms.get("reunion")
    assert forms.for_bare_verb("heures 1 2h") is None
    assert forms.for_bare_verb("") is None


def test_dialog_answers_are_kept_as_typed_for_the_engine() -> None:
    form = Forms(CommandRegistry(FAMILIES)).get("reunion")
    assert form is not None
    partner = 'Pôle "emploi" « Bretagne »'
    submission = {"projet": 1, "partenaire": partner, "categorie": "operateur", "notes": "a\nb", "date": None}
    # No command line in between: quotes and new lines reach the argument model as they were typed.
    assert answers(form, submission) == {
        "projet": "1",
        "partenaire": partner,
        "categorie": "operateur",
        "notes": "a\nb",
    }


def test_only_short_fields_sit_side_by_side() -> None:
    reply = Reply(text="Projet")
    reply.add_field("Région", "Bretagne")
    reply.add_field("Caractéristiques", "⬜ Un objectif\n⬜ Une équipe")
    (post,) = render(reply)
    short = [field["short"] for field in post.props["attachments"][0]["fields"]]
    assert short == [True, False]


def test_a_long_slash_command_answer_continues_in_extra_responses() -> None:
    rows = [[str(i), "x" * 80] for i in range(500)]
    reply = Reply(title="Rapport", table=Table(columns=["#", "Agent"], rows=rows), visibility=Visibility.CHANNEL)
    answer = command_response(reply, None, "u1")
    parts = [answer, *answer["extra_responses"]]
    assert len(parts) >= 3
    assert {part["response_type"] for part in parts} == {"in_channel"}
    assert all(len(part["text"]) <= POST_LIMIT for part in parts)
    assert "extra_responses" not in command_response(Reply(text="court"), None, "u1")
