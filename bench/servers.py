"""The HTTP servers the HTTP benchmark compares, each run by uvicorn in its own process.

`python -m bench.servers <kind> --port P [--config FILE]`, kind one of:
- `bare-slack`: a slack-bolt `AsyncApp` that verifies the signature and only acks `/lab` (the framework's floor);
- `bare-mattermost`: a Starlette endpoint that checks the command token and answers a fixed ephemeral reply;
- `labbot`: labbot's own HTTP app (`adapters.serve.http_app`), as `labbot run` builds it.
All share the same stack: uvicorn, one worker, no access log.
"""

from __future__ import annotations

import argparse
import os
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.serve import http_app
from labbot.config import load_settings

SLACK_SECRET_ENV = "LABBOT_BENCH_SLACK_SIGNING_SECRET"  # noqa: S105 - the variable's name, not a secret
BARE_BOT_TOKEN = "xoxb-bench"  # noqa: S105 - never sent anywhere: the bare app calls no API
MATTERMOST_TOKEN_ENV = "LABBOT_BENCH_MATTERMOST_TOKEN"  # noqa: S105 - the variable's name, not a secret


def bare_slack_app() -> Starlette:
    """slack-bolt's floor: signature verified, command acked, nothing else."""

    async def authorize(team_id: str | None = None, **_context: Any) -> AuthorizeResult:
        # One workspace with a fixed bot token: no auth.test round trip, the floor does only what acking needs.
        return AuthorizeResult(enterprise_id=None, team_id=team_id, bot_token=BARE_BOT_TOKEN, bot_user_id="UBOT")

    bolt = AsyncApp(signing_secret=os.environ[SLACK_SECRET_ENV], authorize=authorize, process_before_response=True)

    @bolt.command("/lab")
    async def lab(ack: AsyncAck) -> None:
        await ack("ok")

    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


def bare_mattermost_app() -> Starlette:
    """Starlette's floor for a Mattermost slash command: token checked, fixed ephemeral reply."""
    token = os.environ[MATTERMOST_TOKEN_ENV]

    async def command(request: Request) -> Response:
        # Parsed as labbot's route does (the standard library; no multipart parser).
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("token") != token:
            return JSONResponse({"text": "bad token"}, status_code=401)
        return JSONResponse({"response_type": "ephemeral", "text": "ok"})

    return Starlette(routes=[Route("/mattermost/command", command, methods=["POST"])])


def labbot_app(config: str) -> Starlette:
    """labbot's HTTP app for the configuration file `config`, as `labbot run` builds it."""
    return http_app(load_settings(config))[0]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=["bare-slack", "bare-mattermost", "labbot"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", default="")
    args = parser.parse_args()
    if args.kind == "labbot":
        app = labbot_app(args.config)
    else:
        app = bare_slack_app() if args.kind == "bare-slack" else bare_mattermost_app()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
