"""Slack's HTTP requests checked before Bolt reads them: signed (slack_sdk's SignatureVerifier), then well formed.

Bolt parses a body before verifying it, so a request nobody signed could make it raise (timestamp `abc`, a
body that is not UTF-8, a `payload` that is not a JSON object): a 500 and a traceback. Here anything unsigned
is a 401 and anything signed but malformed a 400, and Bolt only ever sees what Slack could have sent.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)
_TIMESTAMP_DIGITS = 12
_ESCAPED_KEY = re.compile(r"(?:^|&)[^=&]*%")


class RequestCheck:
    """Refuses what Slack did not sign, or signed but cannot have meant."""

    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret)

    async def refusal(self, request: Request) -> Response | None:
        """The answer to a request that must not reach Bolt, or None when it may."""
        body = await request.body()
        headers = request.headers
        if not self.signed(body, headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")):
            log.warning("refused an unsigned or wrongly signed request to %s", request.url.path)
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        problem = malformed(body, headers.get("content-type", ""))
        if problem is not None:
            log.warning("refused a malformed Slack request: %s", problem)
            return JSONResponse({"error": problem}, status_code=400)
        return None

    def signed(self, body: bytes, timestamp: str | None, signature: str | None) -> bool:
        """Whether Slack signed `body` at `timestamp`, within the last five minutes."""
        if not timestamp or not signature or not timestamp.isascii() or not signature.isascii():
            return False
        if not timestamp.isdigit() or len(timestamp) > _TIMESTAMP_DIGITS:
            return False
        try:
            return self._verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except UnicodeDecodeError:  # slack_sdk signs text: a body that is not UTF-8 cannot be Slack's
            return False


def malformed(body: bytes, content_type: str) -> str | None:
    """What is wrong with a signed body, or None: Slack sends UTF-8 JSON objects (events) or forms (commands,
    and interactivity with a `payload` that is a JSON object)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not text.strip():
        return "empty body"
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "application/json":
        return None if isinstance(_json(text), dict) else "body is not a JSON object"
    if not text.strip("&"):  # only separators: no field at all
        return "body is not a form"
    return _malformed_payload(text)


def _malformed_payload(form: str) -> str | None:
    """What is wrong with a form's `payload` (interactivity), or None."""
    if "payload=" not in form and not _ESCAPED_KEY.search(form):
        # A slash command (the acks' hot path): a form without a payload always parses, so it is not parsed
        # twice (Bolt parses it next). A key written with %-escapes could spell `payload`: parsed below.
        return None
    fields = dict(parse_qsl(form, keep_blank_values=True))
    if "payload" in fields and not isinstance(_json(fields["payload"]), dict):
        return "payload is not a JSON object"
    return None


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None
