"""Reliability tests share the crawler tests' loopback fake GitHub."""

from __future__ import annotations

from tests.sources.conftest import fake

__all__ = ["fake"]
