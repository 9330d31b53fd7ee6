# Re-exported rather than listed in pytest_plugins: pytest refuses pytest_plugins in a non-root
# conftest when the whole suite runs. Drop this file once the root conftest lists the plugin.
from tests.platforms.slack_fixtures import slack_api

__all__ = ["slack_api"]
