"""Answers for a user: ranked plugins (discover), every fact about one (show/compare), prime."""
