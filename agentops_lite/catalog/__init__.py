"""The SQLite catalog file and what is stored in it: marketplaces, plugins, problems, metrics."""

from agentops_lite.catalog.store import Catalog

__all__ = ["Catalog"]
