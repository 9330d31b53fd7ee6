"""The platforms' API specs are not part of the project (their licences forbid copying them): tests that need
them skip, all with the same one-line reason, when they are absent, and fail where they are required (CI)."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import NoReturn

import pytest

SPECS_DIR_ENV = "LABBOT_SPECS_DIR"
REQUIRE_SPECS_ENV = "LABBOT_REQUIRE_SPECS"
# One reason for every such skip, so `pytest -ra` folds them into a single line.
SKIP_REASON = (
    "needs the Slack and Mattermost API specs: set LABBOT_SPECS_DIR to the folder holding slack/ and "
    "mattermost/ (default: ../shared/specs)"
)


def specs_required() -> bool:
    """Whether missing specs fail the run (`LABBOT_REQUIRE_SPECS=1`, as .ci/run sets it)."""
    return os.environ.get(REQUIRE_SPECS_ENV) == "1"


def specs_missing(detail: str) -> NoReturn:
    """Skip the current test, or fail it when the specs are required; `detail` says what was not found."""
    if specs_required():
        pytest.fail(f"{detail} ({REQUIRE_SPECS_ENV}=1 requires the specs)", pytrace=False)
    pytest.skip(SKIP_REASON)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Report every skip for missing specs at this one place, so that `-ra` folds them into one line."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[2].endswith(SKIP_REASON):
        report.longrepr = (__file__, specs_missing.__code__.co_firstlineno, report.longrepr[2])
    return report
