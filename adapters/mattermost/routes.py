"""HTTP endpoints Mattermost calls: the `/lab` slash command, button clicks and dialog submissions."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.mattermost import dialogs
from adapters.mattermost.adapter import PLATFORM, MattermostAdapter
from adapters.mattermost.buttons import Click, check_click, refusal_text
from adapters.mattermost.clicks import RecentClicks
from adapters.mattermost.render import as_text
from adapters.mattermost.respond import RespondOnce
from adapters.mattermost.rest import call
from adapters.mattermost.settings import MattermostSecrets, MattermostSettings
from adapters.mattermost.signing import ContextSigner
from labbot.forms import Form, Forms
from labbot.home import account_language
from labbot.i18n import Language, language_from_hint, use_locale
from labbot.messages import Outcome, Reply, Visibility
from labbot.ports import DeliveryFailed

log = logging.getLogger(__name__)
COMMAND_PATH = "/mattermost/command"
ACTIONS_PATH = "/mattermost/actions"
DIALOG_PATH = "/mattermost/dialog"


def request_key(kind: str, *parts: str) -> str:
    """An idempotency key of bounded length from the platform's identifiers."""
    return f"mm-{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


class MattermostRoutes:
    """The Starlette routes, sharing one adapter."""

    def __init__(
        self,
        adapter: MattermostAdapter,
        settings: MattermostSettings,
        secrets_: MattermostSecrets,
        signer: ContextSigner,
        forms: Forms,
    ) -> None:
        self.adapter = adapter
        self.forms = forms
        self.settings = settings
        self._command_token = secrets_.command_token.encode()
        self.signer = signer
        self.clicks = RecentClicks()
        # The response_url is on the Mattermost server: the same certificate check as the API's.
        self._ca_file = str(settings.ca_file) if settings.ca_file else None

    def routes(self) -> list[Route]:
        """Mounted on the shared HTTP app."""
        return [
            Route(COMMAND_PATH, self.command, methods=["POST"]),
            Route(ACTIONS_PATH, self.action, methods=["POST"]),
            Route(DIALOG_PATH, self.dialog, methods=["POST"]),
        ]

    # ----- /lab ------------------------------------------------------------------------------

    async def command(self, http: HttpRequest) -> Response:
        """`/lab …`: checks the command token and acks at once; the answer follows through the response_url."""
        # Mattermost posts the command form-encoded; the standard library parses it (Starlette's form()
        # would need python-multipart, which labbot does not otherwise depend on).
        fields = dict(parse_qsl((await http.body()).decode("utf-8", "replace"), keep_blank_values=True))
        if not hmac.compare_digest(fields.get("token", "").encode(), self._command_token):
            log.warning("refused a /%s call with a wrong or missing token", self.settings.trigger)
            return JSONResponse({"text": "invalid token"}, status_code=401)
        user_id, text = fields.get("user_id", ""), fields.get("text", "")
        if not user_id:
            return JSONResponse({"text": "user_id is missing"}, status_code=400)
        bare_form = self.forms.for_bare_verb(text)
        if bare_form is not None and fields.get("trigger_id"):
            await asyncio.to_thread(self._open_dialog, bare_form, fields)
            return JSONResponse({})
        self.adapter.in_background(self._answer(fields))
        # An empty response shows nothing: the answer follows within moments, as Slack's does.
        return JSONResponse({})

    async def _answer(self, fields: Mapping[str, str]) -> None:
        user_id = fields["user_id"]
        request = await self.adapter.request_of(
            user_id,
            fields.get("user_name", ""),
            fields.get("text", ""),
            channel_id=fields.get("channel_id") or None,
            key=request_key("command", fields.get("trigger_id") or secrets.token_hex(16)),
            raw={key: value for key, value in fields.items() if key != "token"},  # the secret stays here
        )
        # The worker that runs the command answers through the response_url (adapters/mattermost/respond.py).
        present = RespondOnce(
            fields.get("response_url", ""), user_id, self.adapter.messenger.buttons, self._ca_file
        )
        answer = await self.adapter.runner.run(request, present)
        if not answer.presented.shown:
            # Files (a response_url cannot carry them), no response_url, or it refused: the person still gets
            # the answer, posted (in their direct conversation when it is private).
            await self.adapter.post(answer.reply, user_id=user_id, channel_id=fields.get("channel_id"))

    # ----- dialogs ---------------------------------------------------------------------------

    def _open_dialog(self, form: Form, fields: Mapping[str, str]) -> None:
        profile = self.adapter.directory.profile(fields["user_id"], fields.get("user_name", ""))
        nonce = secrets.token_hex(12)
        state = f"{nonce}.{self.signer.sign('dialog', form.verb, profile.user_id, nonce)}"
        with use_locale(language_from_hint(profile.locale) or "fr"):
            opened = dialogs.dialog(form, state=state)
        body = {
            "trigger_id": fields["trigger_id"],
            "url": self.settings.public_url + DIALOG_PATH,
            "dialog": opened,
        }
        try:
            call("open a dialog", self.adapter.messenger.driver.integration_actions.open_dialog, body)
        except DeliveryFailed as failure:
            log.error("could not open the %s dialog: %s", form.verb, failure.reason)

    async def dialog(self, http: HttpRequest) -> Response:
        """A dialog submission: per-field errors back to the dialog, or the command's reply posted."""
        payload = await _json_object(http)
        if not payload:
            return JSONResponse({"error": "the body is not a JSON object"}, status_code=400)
        form = self.forms.get(str(payload.get("callback_id", "")))
        user_id = str(payload.get("user_id", ""))
        nonce, _dot, signature = str(payload.get("state", "")).partition(".")
        if form is None or not user_id or not self.signer.verify(signature, "dialog", form.verb, user_id, nonce):
            log.warning("refused a dialog submission with a forged or missing state")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        if payload.get("cancelled"):
            return JSONResponse({})
        submission = payload.get("submission")
        channel_id = str(payload.get("channel_id") or "") or None
        request = await self.adapter.request_of(
            user_id,
            "",
            form.verb,
            channel_id=channel_id,
            key=request_key("dialog", nonce),
            raw=payload,
            arguments=dialogs.answers(form, submission if isinstance(submission, dict) else {}),
        )
        reply = await self.adapter.run(request)
        if reply.outcome is not Outcome.DONE:
            message = " ".join([reply.text, *reply.notes]).strip()
            return JSONResponse(dialogs.dialog_errors(form, reply.field_errors or _at_fault(reply), message))
        self.adapter.in_background(self.adapter.post(reply, user_id=user_id, channel_id=channel_id))
        return JSONResponse({})

    # ----- buttons ---------------------------------------------------------------------------

    def _language_of(self, user_id: str) -> Language:
        """The clicker's language: their `profil langue:` choice, else their Mattermost locale, else French."""
        profile = self.adapter.directory.cached(user_id)
        return account_language(self.adapter.runner.bot, PLATFORM, user_id, profile.locale if profile else None)

    async def action(self, http: HttpRequest) -> Response:
        """A button click: runs the signed command as the person who clicked, answers them privately."""
        payload = await _json_object(http)
        if not payload:
            return JSONResponse({"error": "the body is not a JSON object"}, status_code=400)
        user_id = str(payload.get("user_id", ""))
        verdict, command = check_click(self.signer, payload.get("context"), user_id)
        if verdict is not Click.ALLOWED or command is None:
            log.warning("refused a button click: %s", verdict.value)
            with use_locale(await asyncio.to_thread(self._language_of, user_id)):
                refusal = refusal_text(verdict, command, self.settings.trigger)
            # 200: Mattermost shows the ephemeral text only then (any other status is a generic error).
            return JSONResponse({"ephemeral_text": refusal})
        channel_id = str(payload.get("channel_id") or "") or None
        click = (str(payload.get("post_id", "")), user_id, command)

        async def run_click() -> Reply:
            request = await self.adapter.request_of(
                user_id,
                str(payload.get("user_name", "")),
                command,
                channel_id=channel_id,
                # Each click has its own trigger id: only a redelivery of this very click is answered again.
                key=request_key("action", str(payload.get("trigger_id") or secrets.token_hex(16)), *click),
                raw=payload,
            )
            return await self.adapter.run(request)

        reply = await self.clicks.answer(click, run_click)
        if reply.visibility is Visibility.CHANNEL and channel_id:
            self.adapter.in_background(self.adapter.post(reply, user_id=user_id, channel_id=channel_id))
            return JSONResponse({})
        return JSONResponse({"ephemeral_text": as_text(reply)})


def _at_fault(reply: Reply) -> dict[str, str]:
    if reply.invalid_field is None:
        return {}
    return {reply.invalid_field: " ".join([reply.text, *reply.notes]).strip()}


async def _json_object(http: HttpRequest) -> dict[str, Any]:
    try:
        payload = await http.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
