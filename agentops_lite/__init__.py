"""agentops-lite: find, compare and combine Claude Code plugins across marketplaces."""

__version__ = "0.1.0"
