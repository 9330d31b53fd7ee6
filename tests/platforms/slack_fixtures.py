"""Pytest plugin: the ``slack_api`` fixture, a started :class:`SlackApiStandIn` that fails on spec violations.

List it in the root conftest's ``pytest_plugins`` (``"tests.platforms.slack_fixtures"``).
The Slack spec comes from the shared specs folder (see :func:`tests.platforms.slack_spec.slack_specs_dir`).
When it is absent the fixture skips the test, except on CI (``CI=true``) where it fails it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.platforms.slack_api import SlackApiStandIn, Violation
from tests.platforms.slack_spec import SlackWebSpec, SpecNotFoundError


def load_slack_spec() -> SlackWebSpec:
    """Load the Slack Web API spec, or skip the test (fail it on CI) when the specs are missing."""
    try:
        return SlackWebSpec.load()
    except SpecNotFoundError as missing:
        reason = f"Slack specs missing: {missing}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI requires the specs)")
        pytest.skip(reason)


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
