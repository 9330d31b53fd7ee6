"""How much data and how many samples a run uses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Row counts of the generated data set and sample sizes of the measurements."""

    name: str
    regions: int
    projects: int
    agents: int
    hour_entries: int
    meetings: int
    signups: int
    cost_lines: int
    latency_samples: int
    http_requests: int
    http_clients: int
    http_rounds: int
    broadcast_recipients: int
    faq_entries: int = 0


FULL = Scale("full", 18, 2_000, 20_000, 1_000_000, 50_000, 20_000, 5_000, 500, 3_000, 16, 3, 20_000, 5_000)
QUICK = Scale("quick", 18, 200, 2_000, 100_000, 5_000, 2_000, 500, 60, 600, 16, 2, 2_000, 500)
TINY = Scale("tiny", 3, 6, 30, 300, 40, 20, 10, 3, 20, 2, 1, 20, 20)

SCALES = {scale.name: scale for scale in (FULL, QUICK, TINY)}
