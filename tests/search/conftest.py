"""Search tests reuse the discovery fixture catalog (small marketplaces, stored and indexed)."""

from __future__ import annotations

from tests.discovery.conftest import fixture_catalog

__all__ = ["fixture_catalog"]
