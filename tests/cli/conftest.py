"""CLI tests reuse the discovery fixture catalog and the loopback fake GitHub of sources/."""

from __future__ import annotations

from tests.discovery.conftest import fixture_catalog
from tests.sources.conftest import fake

__all__ = ["fake", "fixture_catalog"]
