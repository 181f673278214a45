"""Makes the real-Claude-Code fixtures available to the plugin tests."""

from tests.claude_fixtures import (  # noqa: F401 - re-exported as fixtures
    claude,
    claude_bin,
    fake_anthropic,
    plugin_source,
)
