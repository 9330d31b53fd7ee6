"""Pytest plugin: the ``slack_api`` fixture, a started :class:`SlackApiStandIn` that fails on spec violations.

List it in the root conftest's ``pytest_plugins`` (``"tests.platforms.slack_fixtures"``).
The Slack spec comes from the shared specs folder (see :func:`tests.platforms.slack_spec.slack_specs_dir`).
When it is absent the fixture skips the test, except with ``LABBOT_REQUIRE_SPECS=1`` (CI) where it fails it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.platforms.slack_api import SlackApiStandIn, Violation
from tests.platforms.slack_spec import SlackWebSpec, SpecNotFoundError
from tests.platforms.specs import specs_missing


def load_slack_spec() -> SlackWebSpec:
    """Load the Slack Web API spec, or skip the test (fail it with `LABBOT_REQUIRE_SPECS=1`) when it is missing."""
    try:
        return SlackWebSpec.load()
    except SpecNotFoundError as missing:
        specs_missing(f"Slack specs missing: {missing}")


def fail_on_violations(violations: list[Violation]) -> None:
    """Fail the current test when the stand-in saw calls Slack's spec does not allow."""
    if violations:
        lines = "\n".join(f"- {v.method}: {v.detail} (params {sorted(v.params)})" for v in violations)
        pytest.fail(f"{len(violations)} Slack Web API spec violation(s):\n{lines}", pytrace=False)


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    """A started Slack Web API stand-in; the test fails at teardown if any call broke the spec."""
    with SlackApiStandIn(spec=load_slack_spec()) as stand_in:
        yield stand_in
    fail_on_violations(stand_in.violations)
