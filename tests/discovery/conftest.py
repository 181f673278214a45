"""Fixture catalogs for discovery tests: small marketplaces written with make_marketplace."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog

PLUGINS: list[dict[str, Any]] = [
    {
        "name": "kubernetes-deployer",
        "source": "./plugins/kubernetes-deployer",
        "description": "Generate Kubernetes manifests and helm charts",
        "category": "devops",
        "keywords": ["kubernetes", "helm"],
    },
    {
        "name": "pr-reviewer",
        "source": "./plugins/pr-reviewer",
        "description": "Review pull requests before you merge them",
        "category": "quality",
    },
    {
        "name": "postgres-tuner",
        "source": "./plugins/postgres-tuner",
        "description": "Tune slow postgres queries with the right indexes",
        "category": "database",
    },
    {
        "name": "general-notes",
        "source": "./plugins/general-notes",
        "description": "Keep notes. Sometimes mentions kubernetes in passing among other topics "
        "like cooking, travel, music, gardening, photography and sport",
        "category": "productivity",
    },
    {
        "name": "typescript-strict",
        "source": "./plugins/typescript-strict",
        "description": "Strict TypeScript types and compiler settings",
        "category": "language",
    },
    {
        "name": "e2e-runner",
        "source": "./plugins/e2e-runner",
        "description": "End-to-end browser tests with Playwright",
        "category": "testing",
    },
]


@pytest.fixture
def fixture_catalog(
    make_marketplace: Callable[..., Path], isolated_home: Path
) -> Callable[..., Catalog]:
    """make(extra plugins..., second=[...]) -> an open catalog holding the fixture marketplaces."""
    from agentops_lite.refresh.update import add_source

    def make(
        plugins: list[dict[str, Any]] | None = None,
        second: list[dict[str, Any]] | None = None,
        files: dict[str, str] | None = None,
    ) -> Catalog:
        cat = Catalog.open()
        listed = plugins if plugins is not None else PLUGINS
        files = dict(files or {})
        for p in [*listed, *(second or [])]:
            files.setdefault(f"plugins/{p['name']}/README.md", "x")
        add_source(cat, str(make_marketplace("alpha-market", listed, files)))
        if second:
            add_source(cat, str(make_marketplace("beta-market", second, files)))
        return cat

    return make
