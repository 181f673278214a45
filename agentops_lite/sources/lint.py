"""`validate`: load a local marketplace or plugin folder as a source and list every problem."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from agentops_lite.errors import SourceError, UsageError
from agentops_lite.models import Problem


class LocatedProblem(Problem):
    plugin: str | None = Field(default=None, description="Plugin the problem belongs to")


class ValidationReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    target: str
    kind: str = Field(description="marketplace | plugin")
    name: str | None
    plugins: int
    errors: int
    warnings: int
    problems: list[LocatedProblem]

    @property
    def ok(self) -> bool:
        return self.errors == 0


def _report(
    target: Path, kind: str, name: str | None, plugins: int, located: list[LocatedProblem]
) -> ValidationReport:
    return ValidationReport(
        target=str(target),
        kind=kind,
        name=name,
        plugins=plugins,
        errors=sum(p.severity == "error" for p in located),
        warnings=sum(p.severity == "warning" for p in located),
        problems=located,
    )


def validate_path(path: Path) -> ValidationReport:
    """Validate a marketplace folder/file, or a plugin folder. Raises UsageError if neither."""
    from agentops_lite.sources.local import MANIFEST_REL, LocalTree, load_local

    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if path.is_file() or (path / MANIFEST_REL).is_file():
        try:
            result = load_local(path)
        except SourceError as exc:  # unreadable, or a manifest symlinked out: bad input
            raise UsageError(exc.message, hint=exc.hint) from exc
        m = result.manifest
        located = [LocatedProblem(plugin=name, **p.model_dump()) for name, p in m.all_problems()]
        return _report(path, "marketplace", m.name, len(m.plugins), located)
    plugin_json = path / ".claude-plugin" / "plugin.json"
    if plugin_json.is_file() or any((path / d).is_dir() for d in ("commands", "skills", "agents")):
        from agentops_lite.parse.components import collect_components
        from agentops_lite.parse.plugin_json import parse_plugin_json

        tree = LocalTree(path)
        problems: list[Problem] = []
        name = path.name
        raw: dict[str, object] = {}
        data = tree.read_bytes(".claude-plugin/plugin.json", 1024 * 1024 + 1)
        if data is not None:  # through the tree: a plugin.json linked out of it is not read
            pj = parse_plugin_json(data, ".claude-plugin/plugin.json")
            problems.extend(pj.problems)
            name = pj.name or name
            raw = pj.raw
        _, comp_problems = collect_components(tree, "", raw, "plugin")
        problems.extend(comp_problems)
        located = [LocatedProblem(plugin=name, **p.model_dump()) for p in problems]
        return _report(path, "plugin", name, 1, located)
    raise UsageError(
        f"{path} holds neither .claude-plugin/marketplace.json nor a plugin",
        hint="point at a marketplace folder, a marketplace.json file or a plugin folder",
    )
