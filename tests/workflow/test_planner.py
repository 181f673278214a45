"""The planner: stage order, parallel analysis, a test gate, rollback on deploy; always valid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentops_lite.catalog.store import Catalog
from agentops_lite.models import PluginRecord
from agentops_lite.refresh.update import add_source
from agentops_lite.workflow import planner
from agentops_lite.workflow.model import ConditionalNode, ParallelNode, StepNode, dump, iter_steps
from agentops_lite.workflow.validate import check

PLUGINS = [
    ("ci-builder", "Build CI pipeline for your project", ["build", "ci"]),
    ("unit-tester", "Unit testing and coverage", ["test"]),
    ("code-reviewer", "Code review for quality", ["review"]),
    ("vuln-scan", "Security vulnerability scan", ["security"]),
    ("k8s-deployer", "Deploy releases to kubernetes", ["deploy", "release"]),
    ("debug-helper", "Debug and fix failing tests", ["debug"]),
]


@pytest.fixture
def fixture_catalog(make_marketplace: Callable[..., Path]) -> list[PluginRecord]:
    files = {f"plugins/{n}/commands/{n.split('-')[0]}.md": "---\ndescription: x\n---\nx"
             for n, _d, _k in PLUGINS}  # fmt: skip
    root = make_marketplace(
        "fixture-mkt",
        plugins=[
            {"name": n, "source": f"./plugins/{n}", "description": d, "keywords": k}
            for n, d, k in PLUGINS
        ],
        files=files,
    )
    with Catalog.open() as cat:
        add_source(cat, str(root))
        return cat.plugins()


def test_planner_build_from_picks_has_gate_parallel_and_rollback(
    fixture_catalog: list[PluginRecord],
) -> None:
    by = {r.name: r for r in fixture_catalog}
    picks = [
        ("build", by["ci-builder"]),
        ("test", by["unit-tester"]),
        ("review", by["code-reviewer"]),
        ("security", by["vuln-scan"]),
        ("deploy", by["k8s-deployer"]),
    ]
    wf = planner.build("ship it", picks, fixer=by["debug-helper"])
    report = check(dump(wf))
    assert report.ok and report.warnings == 0, report.problems
    build, analysis, gate = wf.steps
    assert isinstance(build, StepNode) and build.plugin == "ci-builder"
    assert isinstance(analysis, ParallelNode)
    assert [b.id for b in analysis.branches] == ["test", "review", "security"]  # type: ignore[union-attr]
    assert isinstance(gate, ConditionalNode) and gate.if_ == "test.passed"
    deploy = gate.then[0]
    assert isinstance(deploy, StepNode) and deploy.on_failure == "rollback"
    assert deploy.rollback is not None and deploy.retry == 1
    fix = gate.else_[0]
    assert isinstance(fix, StepNode) and fix.plugin == "debug-helper"


@pytest.mark.parametrize(
    "stages",
    [[], ["test"], ["deploy"], ["plan", "code", "docs", "monitor"], list(planner.STAGES)],
)
def test_planner_output_always_validates(stages: list[str]) -> None:
    picks = [(s, None) for s in stages] + [(s, None) for s in stages[:2]]  # doubles too
    wf = planner.build("do the thing", picks)
    report = check(dump(wf))
    assert report.ok, report.problems


def test_planner_wanted_stages_follow_the_intent() -> None:
    assert planner.wanted_stages("deploy the API to production") == [
        "build", "test", "review", "security", "deploy", "monitor",
    ]  # fmt: skip
    assert planner.wanted_stages("write docs") == ["code", "test", "review", "docs"]


def test_planner_cli_plan_writes_a_valid_file(
    cli: Callable[..., Result], fixture_catalog: list[PluginRecord], tmp_path: Path
) -> None:
    out = tmp_path / "wf.json"
    r = cli("workflow", "plan", "build and deploy the service", "-o", str(out))
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("workflow", "validate", str(out), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("run", "start", str(out), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr


def test_planner_puts_the_primary_pick_to_work_and_no_generic_filler(
    fixture_catalog: list[PluginRecord], make_marketplace: Callable[..., Path]
) -> None:
    scraper = {
        "name": "web-scraper",
        "source": "./plugins/web-scraper",
        "description": "Scrape product data from websites into tables",
        "keywords": ["scraping", "crawl"],
    }
    files = {"plugins/web-scraper/commands/scrape.md": "---\ndescription: Scrape\n---\nx"}
    with Catalog.open() as cat:
        # The same plugin listed twice, worded differently (so discover does not fold them).
        for name, extra in (("mirror-a", ""), ("mirror-b", " and crawl product pages")):
            entry = {**scraper, "description": scraper["description"] + extra}
            add_source(cat, str(make_marketplace(name, plugins=[entry], files=files)))
        wf = planner.plan(cat, "scrape product data from websites")
    assert check(dump(wf)).ok
    steps = [s for _, _, s in iter_steps(wf.steps, "steps")]
    used = [s.plugin for s in steps if s.plugin]
    # The intent names no lifecycle stage: the best plugin for it does the core work, once.
    assert used.count("web-scraper") == 1
    assert [s.id for s in steps if s.id.startswith("code")] == ["code"]
    core = next(s for s in steps if s.plugin == "web-scraper")
    assert core.command == "scrape"
    # Review is always planned, but no review plugin fits "scrape product data": instructions.
    review = next(s for s in steps if s.id.startswith("review"))
    assert review.plugin is None
