"""Where labbot's event loop spends its time under the HTTP benchmark's load.

`python -m bench.profile_http <slack|mattermost> [--clients C] [--requests N] [--out DIR]`: a quick data set
on SQLite, labbot's server under cProfile (bench/servers.py, `LABBOT_BENCH_PROFILE`), one unmeasured round
to link the accounts, then `--requests` signed commands from `--clients` clients; prints the functions with
the most cumulative and own time in the server's main thread (the one that acks).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pstats
import secrets
import tempfile
import time
from pathlib import Path

from bench import databases, generate, latency
from bench.environment import MATTERMOST_TOKEN_ENV, SLACK_SECRET_ENV
from bench.http_bench import _load, _platform_side, _toml, _wait_for_replies
from bench.processes import free_port, server
from bench.scale import SCALES
from bench.servers import PROFILE_ENV

STOP_TIMEOUT_S = 180
PATHS = {"slack": "/slack/events", "mattermost": "/mattermost/command"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_http")
    parser.add_argument("platform", choices=sorted(PATHS))
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    workdir = (args.out or Path(tempfile.mkdtemp(prefix="labbot-profile-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    scale = dataclasses.replace(SCALES["quick"], http_requests=args.requests)
    url = databases.fresh_url("sqlite", "labbot_profile", workdir)
    application = latency.open_application(url)
    generate.generate(application.database, scale)
    application.database.dispose()
    plan = generate.layout(scale)
    env = {SLACK_SECRET_ENV: secrets.token_hex(16), MATTERMOST_TOKEN_ENV: secrets.token_hex(13)}
    port = free_port()
    stats = workdir / f"{args.platform}.prof"
    with _platform_side(args.platform, plan, env, port) as side:
        users = workdir / "users.json"
        users.write_text(json.dumps(side.users))
        config = workdir / "labbot.toml"
        config.write_text(_toml(url, port, args.platform, side.section))
        arguments = ["bench.servers", "labbot", "--port", str(port), "--config", str(config)]
        server_env = {**env, **side.env, PROFILE_ENV: str(stats)}
        target = f"http://127.0.0.1:{port}{PATHS[args.platform]}"
        with server(arguments, port, server_env, workdir / "labbot.log") as process:
            sent = 0
            for clients in (16, args.clients):  # the first round links the accounts, unmeasured
                figures = _load(args.platform, target, scale, clients, side=side, users=users, env=env)
                sent += scale.http_requests
                answered = _wait_for_replies(side, sent, figures["started_at"])
                print(f"{clients} client(s): {figures['requests_per_s']} acks/s, p50 {figures['p50_ms']} ms, "
                      f"answered after {answered} s")  # fmt: skip
            time.sleep(0.5)
            process.terminate()  # the statistics are written once uvicorn has shut down, which takes a while
            process.wait(STOP_TIMEOUT_S)
    report = pstats.Stats(str(stats))
    report.sort_stats("cumulative").print_stats(args.top)
    report.sort_stats("tottime").print_stats(args.top)
    databases.drop("sqlite", url)


if __name__ == "__main__":
    main()
