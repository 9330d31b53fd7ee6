"""The environment variables that carry a benchmark run's secrets to its servers and load clients.

A module of its own: the load client imports it without importing the servers (and with them labbot, ~1.4 s).
"""

SLACK_SECRET_ENV = "LABBOT_BENCH_SLACK_SIGNING_SECRET"  # noqa: S105 - the variable's name, not a secret
MATTERMOST_TOKEN_ENV = "LABBOT_BENCH_MATTERMOST_TOKEN"  # noqa: S105 - the variable's name, not a secret
