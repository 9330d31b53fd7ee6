"""Pacing: send slots follow the platform limits exactly, per channel and per platform."""

from __future__ import annotations

import pytest

from labbot.config import PlatformLimits
from labbot.outbox.pacing import Pacer


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def pacer(limits: dict[str, PlatformLimits], time: VirtualTime) -> Pacer:
    return Pacer(limits, monotonic=lambda: time.now, sleep=time.sleep)


def test_one_channel_gets_one_message_per_second_and_other_channels_do_not_wait() -> None:
    time = VirtualTime()
    slack = pacer({"slack": PlatformLimits(per_channel_per_second=1.0)}, time)
    assert [slack.reserve("slack", "C1") for _ in range(3)] == [0.0, 1.0, 2.0]
    assert slack.reserve("slack", "C2") == 0.0
    assert slack.reserve("mattermost", "C1") == 0.0  # no limits configured: no wait


def test_a_platform_limit_spreads_sends_across_channels_after_its_burst() -> None:
    time = VirtualTime()
    limits = {"mattermost": PlatformLimits(per_channel_per_second=None, per_second=10.0, burst=5)}
    mattermost = pacer(limits, time)
    slots = [mattermost.reserve("mattermost", f"C{i}") for i in range(8)]
    assert slots[:5] == [0.0] * 5
    assert slots[5:] == pytest.approx([0.1, 0.2, 0.3])


def test_waiting_moves_time_to_the_slot_and_retry_after_holds_only_that_channel() -> None:
    time = VirtualTime()
    slack = pacer({"slack": PlatformLimits(per_channel_per_second=1.0)}, time)
    slack.wait("slack", "C1")
    slack.hold("slack", "C1", 30)
    slack.wait("slack", "C1")
    assert time.now == pytest.approx(30.0)
    assert slack.reserve("slack", "C2") == 0.0


def test_the_safety_margin_keeps_slots_slightly_under_the_limit() -> None:
    time = VirtualTime()
    slack = Pacer(
        {"slack": PlatformLimits(per_channel_per_second=1.0)},
        safety_margin=0.03,
        monotonic=lambda: time.now,
        sleep=time.sleep,
    )
    slack.reserve("slack", "C1")
    assert slack.reserve("slack", "C1") == pytest.approx(1 / 0.97)


def test_a_send_that_woke_late_pushes_the_next_one_back() -> None:
    time = VirtualTime()
    limits = {"mattermost": PlatformLimits(per_second=2.0)}
    mattermost = pacer(limits, time)
    assert mattermost.reserve("mattermost", "A") == 0.0
    assert mattermost.reserve("mattermost", "B") == 0.5
    time.now = 0.3  # A's thread only got to send now
    assert mattermost._spacing("mattermost", "A") == 0.0
    time.now = 0.5  # B wakes at its slot, which is now too close behind A
    assert mattermost._spacing("mattermost", "B") == pytest.approx(0.3)
