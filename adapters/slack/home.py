"""The App Home tab: the person's projects, hours this week and month, events with their signup, shortcuts."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.blocks import SECTION_LIMIT, render
from adapters.slack.mrkdwn import escape, escaped_shortened
from adapters.slack.users import SlackUser
from labbot.engine import LabBot
from labbot.home import HomeView, home_view
from labbot.i18n import _, format_duration, ngettext, use_locale

# Action ids of the home's buttons that open a form (the verb is the button's value).
OPEN_FORM_ACTION = "labbot:open-form"
HOME_BLOCK_LIMIT = 100
# A project's title as listed on the home, in characters once escaped (the card shows it whole).
HOME_TITLE_LIMIT = 90


def build_home(bot: LabBot, user: SlackUser) -> View:
    """The home view for `user`, in their language (the core's home query)."""
    home = home_view(bot, "slack", user.id, user.locale)
    with use_locale(home.language):
        blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="labbot")), *_projects(home)]
        # No file can follow a view: what the home cannot show is one command away.
        shown_events = render(home.events, see_all="`/lab evenements`").blocks
        blocks += [_hours(home), DividerBlock(), *shown_events, DividerBlock(), _shortcuts()]
    return View(type="home", blocks=blocks[:HOME_BLOCK_LIMIT])


def _projects(facts: HomeView) -> list[Block]:
    if not facts.projects:
        text = _("You are on no project yet. Register an idea, or join a team with: join <number>")
        return [SectionBlock(text=PlainTextObject(text=text))]
    return [SectionBlock(text=MarkdownTextObject(text=projects_text(facts.projects)))]


def projects_text(own: list[tuple[int, str]]) -> str:
    """The person's projects, one line each, within a section's limit however many and however long:
    titles are shortened, and the projects that do not fit are counted with the command that lists them."""
    text = f"*{escape(_('Your projects'))}*"
    for shown, (number, title) in enumerate(own):
        line = f"\n• #{number} {escaped_shortened(title, HOME_TITLE_LIMIT)}"
        hidden = len(own) - shown
        more = "\n" + escape(
            ngettext(
                "… and {count} more: see all with {command}", "… and {count} more: see all with {command}", hidden
            ).format(count=hidden, command="/lab projets")
        )
        room = SECTION_LIMIT - (0 if hidden == 1 else len(more))
        if len(text) + len(line) > room:
            return text + more
        text += line
    return text


def _hours(facts: HomeView) -> SectionBlock:
    return SectionBlock(
        fields=[
            MarkdownTextObject(text=f"*{_('Hours this week')}*\n{format_duration(facts.week_minutes)}"),
            MarkdownTextObject(text=f"*{_('Hours this month')}*\n{format_duration(facts.month_minutes)}"),
        ]
    )


def _shortcuts() -> ActionsBlock:
    def button(label: str, verb: str) -> ButtonElement:
        return ButtonElement(
            text=PlainTextObject(text=label), action_id=f"{OPEN_FORM_ACTION}:{verb}", value=verb, style="primary"
        )

    return ActionsBlock(
        block_id="labbot:home:shortcuts",
        elements=[
            button(_("New idea"), "idee"),
            button(_("Log hours"), "heures"),
            button(_("Partner meeting"), "reunion"),
        ],
    )
