"""What posting an answer to a response_url costs: `python -m bench.answer_post [N]`.

N answers (default 1 000, a project card's Block Kit) posted one after the other to a response_url served by
uvicorn in another process (`python -m bench.answer_post --receive PORT`), first with slack_sdk's synchronous
`WebhookClient` (a new connection per answer, what the Slack workers used), then with labbot's `RespondOnce`
(slack_sdk's `AsyncWebhookClient` on the thread's kept-alive aiohttp session, adapters/answer_http.py). Prints
each one's wall time and the CPU time of the poster and of the receiving server per answer: on a deployment
the poster shares the cores with the commands, and in the benchmarks the receiver (the stand-in) does too.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

from slack_sdk.webhook import WebhookClient

from adapters.slack.blocks import render
from adapters.slack.respond import RespondOnce
from bench.processes import cpu_seconds, free_port, server
from labbot.messages import Reply

WARMUP = 50
PATH = "/response"


def _card() -> Reply:
    reply = Reply(title="Projet #12 — Lab Bretagne", text="Un laboratoire d'innovation territoriale. " * 8)
    for label in ("Région", "Services", "Statut", "Équipe", "Heures", "Budget"):
        reply.add_field(label, "Bretagne, DREAL, DDTM — 1 234,50 €")
    return reply


def _timed(post: Callable[[], bool], answers: int, receiver: int) -> dict[str, float]:
    for _ in range(WARMUP):
        post()
    receiver_before, own_before, started = cpu_seconds(receiver), time.process_time(), time.perf_counter()
    posted = sum(post() for _ in range(answers))
    wall = time.perf_counter() - started
    if posted != answers:
        raise RuntimeError(f"{answers - posted} of {answers} answers were not taken")
    return {
        "wall_us": round(wall * 1e6 / answers),
        "poster_cpu_us": round((time.process_time() - own_before) * 1e6 / answers),
        "receiver_cpu_us": round((cpu_seconds(receiver) - receiver_before) * 1e6 / answers),
    }


def measure(answers: int) -> dict[str, dict[str, float]]:
    """Per answer: wall time, the poster's and the receiver's CPU time, for each way of posting."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{PATH}"
    reply = _card()

    def new_connection() -> bool:  # rendered each time, as RespondOnce does
        rendered = render(reply)
        webhook = WebhookClient(url, retry_handlers=[])
        return webhook.send(text=rendered.text, blocks=rendered.blocks).status_code == HTTPStatus.OK

    def kept_alive() -> bool:
        return RespondOnce(url)(reply).posted

    log = Path(tempfile.mkdtemp(prefix="labbot-answer-post-")) / "receiver.log"
    with server(["bench.answer_post", "--receive", str(port)], port, {}, log) as receiver:
        return {
            "WebhookClient, a connection per answer": _timed(new_connection, answers, receiver.pid),
            "RespondOnce, kept-alive session": _timed(kept_alive, answers, receiver.pid),
        }


def _receive(port: int) -> None:
    import uvicorn  # noqa: PLC0415 - the receiving process only
    from starlette.applications import Starlette  # noqa: PLC0415
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import PlainTextResponse  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    async def answered(request: Request) -> PlainTextResponse:
        await request.body()
        return PlainTextResponse("ok")

    application = Starlette(routes=[Route(PATH, answered, methods=["POST"])])
    uvicorn.run(application, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.answer_post")
    parser.add_argument("answers", nargs="?", type=int, default=1000)
    parser.add_argument("--receive", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receive:
        _receive(args.receive)
        return
    print(json.dumps(measure(args.answers), indent=2))


if __name__ == "__main__":
    main()
