"""pytest plugin with the Mattermost API stand-in fixtures.

Load it with ``pytest_plugins = ["tests.platforms.mattermost_fixtures"]``. The stand-in
needs Mattermost's OpenAPI files outside the project (see
:mod:`tests.platforms.mattermost_spec`): without them a test is skipped, or fails when
``LABBOT_REQUIRE_SPECS=1`` so that CI never passes by skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.platforms.mattermost_api import MattermostApiStandIn
from tests.platforms.mattermost_spec import SpecsMissingError, mattermost_v4_dir
from tests.platforms.specs import specs_missing


def require_mattermost_specs() -> Path:
    """The spec folder; skips the test if absent (fails it with ``LABBOT_REQUIRE_SPECS=1``)."""
    try:
        return mattermost_v4_dir()
    except SpecsMissingError as missing:
        specs_missing(str(missing))


def assert_no_violations(api: MattermostApiStandIn) -> None:
    """Fail the test if the stand-in saw calls the Mattermost API spec does not allow."""
    if api.violations:
        listed = "\n".join(f"  - {violation}" for violation in api.violations)
        pytest.fail(f"Mattermost API spec violations:\n{listed}", pytrace=False)


@pytest.fixture
def mattermost_api() -> Iterator[MattermostApiStandIn]:
    """A started plain-HTTP stand-in; the test fails at teardown on any spec violation."""
    require_mattermost_specs()
    with MattermostApiStandIn() as api:
        yield api
    assert_no_violations(api)


@pytest.fixture
def mattermost_api_tls() -> Iterator[MattermostApiStandIn]:
    """Like ``mattermost_api``, over HTTPS/WSS with a test CA (``ca_ssl_context()``, ``ca_file``)."""
    require_mattermost_specs()
    with MattermostApiStandIn(tls=True) as api:
        yield api
    assert_no_violations(api)
