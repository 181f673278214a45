"""Hypothesis settings for the fuzz harness: fixed and bounded in CI, long on demand.

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/fuzz   # ~20x the examples, random

The CI profile is derandomized (the same examples on every run, so a red CI is reproducible)
and keeps no example database; its example counts keep the whole harness under a minute.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
# Seconds one example may take: far above what any does (a few ms to ~0.5 s on a loaded
# 2-core machine), far below a hang. A hostile input that makes us loop trips it.
EXAMPLE_BOUND = 10.0

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: `examples` in CI, 20 times that (random) with `long`."""
    if LONG:
        return settings(max_examples=examples * 20, deadline=None, suppress_health_check=_SUPPRESS)
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=_SUPPRESS,
    )


@contextmanager
def bounded(what: str, limit: float = EXAMPLE_BOUND) -> Iterator[None]:
    """Fail when the block takes longer than `limit` seconds (a hang would be caught by CI's
    own limit only after many minutes)."""
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    assert took < limit, f"{what} took {took:.1f} s (bound {limit} s)"
