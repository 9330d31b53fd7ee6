"""`python -m bench.broadcast_sender BASE_URL FILE --concurrency K`: the framework's floor for a broadcast.

One direct message per recipient through slack_sdk's `AsyncWebClient`, 429s retried after `Retry-After` by
slack_sdk's own `AsyncRateLimitErrorRetryHandler`. It keeps no record of what it sent: this is the reference
labbot's outbox is compared with, not a way to deliver announcements. The bot token comes from
`LABBOT_BENCH_SLACK_TOKEN`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

TOKEN_ENV = "LABBOT_BENCH_SLACK_TOKEN"  # noqa: S105 - the variable's name


async def send_all(base_url: str, recipients: list[str], concurrency: int, text: str) -> int:
    """Post `text` to every recipient; return how many calls succeeded."""
    client = AsyncWebClient(
        token=os.environ[TOKEN_ENV],
        base_url=base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1000)],
    )
    queue = iter(recipients)
    sent = 0

    async def worker() -> None:
        nonlocal sent
        for user in queue:
            response = await client.chat_postMessage(channel=user, text=text)
            sent += bool(response.get("ok"))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast_sender")
    parser.add_argument("base_url")
    parser.add_argument("recipients", help="JSON file: a list of Slack user ids")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    recipients = json.loads(Path(args.recipients).read_text())
    sent = asyncio.run(send_all(args.base_url, recipients, args.concurrency, "Annonce du SGMAP"))
    print(json.dumps({"sent": sent}))


if __name__ == "__main__":
    main()
