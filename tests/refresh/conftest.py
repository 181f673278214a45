"""Refresh tests reuse the loopback fake GitHub of sources/."""

from __future__ import annotations

from tests.sources.conftest import fake

__all__ = ["fake"]
