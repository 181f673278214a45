"""Workflows: a versioned format, validation, planning, and a run engine Claude drives."""
