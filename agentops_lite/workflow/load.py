"""Read a workflow file and check it against the catalog: the workflow, or one clear error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agentops_lite.errors import UsageError, WorkflowError
from agentops_lite.models import Problem
from agentops_lite.workflow.model import Workflow
from agentops_lite.workflow.validate import check, load_file

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog


def load_workflow(path: Path, cat: Catalog | None) -> tuple[Workflow, list[Problem]]:
    """The checked workflow and its warnings; an unreadable or refused file raises."""
    doc, problems = load_file(path)
    if problems:
        # Unreadable, not UTF-8 or not JSON: a bad input file (exit 2), not a refused workflow.
        raise UsageError(f"{path}: {problems[0].message}")
    index = None
    if cat is not None:
        from agentops_lite.workflow.resolve import PluginIndex

        index = PluginIndex.load(cat)
    report = check(doc, index, str(path))
    if report.workflow is None:
        first = next(p for p in report.problems if p.severity == "error")
        raise WorkflowError(
            f"{path}: {report.errors} error(s), first at {first.path or 'top'}: {first.message}",
            hint=f"agentops-lite workflow validate {path}",
        )
    return report.workflow, [p for p in report.problems if p.severity == "warning"]
