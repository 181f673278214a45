"""Marketplace sources: local folders, Claude Code's own state, GitHub, URLs, git, the snapshot."""
