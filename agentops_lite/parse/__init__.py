"""Untrusted JSON and Markdown from marketplaces, read into models; each defect a Problem."""
