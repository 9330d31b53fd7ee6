"""The HTTP servers the HTTP benchmark compares, each run by uvicorn in its own process.

`python -m bench.servers <kind> --port P [--config FILE]`, kind one of:
- `bare-slack-<sync|async>[-pbr]`: a slack-bolt `App` or `AsyncApp` that verifies the signature and only acks
  `/lab` (the framework's floor), with Bolt's default `process_before_response=False` or `-pbr` for True;
  `bare-slack` is `bare-slack-async-pbr`;
- `bare-mattermost`: a Starlette endpoint that checks the command token and answers a fixed ephemeral reply;
- `labbot`: labbot's own HTTP app (`adapters.serve.http_app`), as `labbot run` builds it.
All share the same stack: uvicorn, one worker, no access log. With `LABBOT_BENCH_PROFILE=FILE` in its
environment a server runs under cProfile (its event loop's thread) and writes the statistics to FILE on exit.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import signal
import sys
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.starlette.handler import SlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.serve import http_app
from bench.environment import MATTERMOST_TOKEN_ENV, SLACK_SECRET_ENV
from labbot.config import load_settings

BARE_BOT_TOKEN = "xoxb-bench"  # noqa: S105 - never sent anywhere: the bare app calls no API
PROFILE_ENV = "LABBOT_BENCH_PROFILE"


BARE_SLACK_KINDS = ("bare-slack-async-pbr", "bare-slack-async", "bare-slack-sync-pbr", "bare-slack-sync")


def _authorization(team_id: str | None) -> AuthorizeResult:
    # One workspace with a fixed bot token: no auth.test round trip, the floor does only what acking needs.
    return AuthorizeResult(enterprise_id=None, team_id=team_id, bot_token=BARE_BOT_TOKEN, bot_user_id="UBOT")


def bare_slack_app(*, sync: bool = False, process_before_response: bool = True) -> Starlette:
    """slack-bolt's floor: signature verified, command acked, nothing else."""
    secret = os.environ[SLACK_SECRET_ENV]
    if sync:

        def authorize_sync(team_id: str | None = None, **_context: Any) -> AuthorizeResult:
            return _authorization(team_id)

        sync_bolt = App(
            signing_secret=secret, authorize=authorize_sync, process_before_response=process_before_response
        )

        @sync_bolt.command("/lab")
        def lab_sync(ack: Ack) -> None:
            ack("ok")

        sync_handler = SlackRequestHandler(sync_bolt)

        async def sync_events(request: Request) -> Response:
            return await sync_handler.handle(request)

        return Starlette(routes=[Route("/slack/events", sync_events, methods=["POST"])])

    async def authorize(team_id: str | None = None, **_context: Any) -> AuthorizeResult:
        return _authorization(team_id)

    bolt = AsyncApp(signing_secret=secret, authorize=authorize, process_before_response=process_before_response)

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
    parser.add_argument("kind", choices=["bare-slack", *BARE_SLACK_KINDS, "bare-mattermost", "labbot"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", default="")
    args = parser.parse_args()
    if args.kind == "labbot":
        app = labbot_app(args.config)
    elif args.kind == "bare-mattermost":
        app = bare_mattermost_app()
    else:
        kind = "bare-slack-async-pbr" if args.kind == "bare-slack" else args.kind
        app = bare_slack_app(sync="-sync" in kind, process_before_response=kind.endswith("-pbr"))
    profile_to = os.environ.get(PROFILE_ENV)
    if not profile_to:
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
        return
    # uvicorn ends a graceful stop by raising the signal it caught again, with the handler found before it
    # started: this one lets the statistics be written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    profiler = cProfile.Profile()
    try:
        profiler.runcall(uvicorn.run, app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
    finally:
        profiler.dump_stats(profile_to)


if __name__ == "__main__":
    main()
