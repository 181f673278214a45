"""The planner: the goal's needs in order, one fitting plugin each, gates and rollback; valid."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

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


def _steps(wf: object) -> list[StepNode]:
    return [s for _, _, s in iter_steps(wf.steps, "steps")]  # type: ignore[attr-defined]


def test_plan_follows_the_goal_order_one_plugin_per_need(
    fixture_catalog: list[PluginRecord],
) -> None:
    with Catalog.open() as cat:
        wf, picks = planner.plan_goal(
            cat, "scan for security vulnerabilities, then build the ci pipeline, then deploy it"
        )
    assert check(dump(wf)).ok
    steps = _steps(wf)
    assert [s.plugin for s in steps] == ["vuln-scan", "ci-builder", "k8s-deployer"]
    # Each step names the component to use and says what to do in the need's own words.
    assert steps[1].command == "ci" and "/ci-builder:ci" in (steps[1].instructions or "")
    assert all("then" not in (s.instructions or "") for s in steps)
    # Later steps take the earlier one's result; the deploy is retried and can be rolled back.
    assert steps[1].inputs["previous"] == f"${{{steps[0].id}.output}}"
    assert steps[2].on_failure == "rollback" and steps[2].rollback is not None
    assert all(p.fit in ("strong", "partial") for p in picks)


def test_plan_with_a_condition_gates_on_the_tests(fixture_catalog: list[PluginRecord]) -> None:
    with Catalog.open() as cat:
        wf = planner.plan(cat, "deploy to kubernetes if the unit tests pass, otherwise debug it")
    assert check(dump(wf)).ok
    gate, cond = wf.steps
    assert isinstance(gate, StepNode) and gate.outputs == ["passed"]
    assert gate.plugin == "unit-tester" and gate.description  # the gate was added: said so
    assert isinstance(cond, ConditionalNode) and cond.if_ == f"{gate.id}.passed"
    assert [s.plugin for s in cond.then] == ["k8s-deployer"]  # type: ignore[union-attr]
    assert [s.plugin for s in cond.else_] == ["debug-helper"]  # type: ignore[union-attr]


def test_plan_runs_together_what_the_goal_says_runs_together(
    fixture_catalog: list[PluginRecord],
) -> None:
    with Catalog.open() as cat:
        wf = planner.plan(cat, "run the security scan, code review and unit tests in parallel")
    assert check(dump(wf)).ok
    (block,) = wf.steps
    assert isinstance(block, ParallelNode)
    got = [b.plugin for b in block.branches]  # type: ignore[union-attr]
    assert got == ["vuln-scan", "code-reviewer", "unit-tester"]


def test_a_need_nothing_fits_stays_an_honest_instruction(
    fixture_catalog: list[PluginRecord],
) -> None:
    with Catalog.open() as cat:
        wf, picks = planner.plan_goal(cat, "build the ci pipeline, then bake a chocolate cake")
    assert check(dump(wf)).ok
    build, cake = _steps(wf)
    assert build.plugin == "ci-builder"
    assert cake.plugin is None and "No plugin in the catalog fits" in (cake.instructions or "")
    assert picks[1].plugin is None and picks[1].reason.startswith("nothing")


def test_given_needs_and_chosen_plugins_are_used(fixture_catalog: list[PluginRecord]) -> None:
    from agentops_lite.discovery.needs import needs_from_texts

    with Catalog.open() as cat:
        needs = needs_from_texts(["check the code", "ship the release"])
        wf, picks = planner.plan_goal(cat, "", needs=needs, use=["code-reviewer@fixture-mkt"])
    assert [p.plugin.plugin for p in picks if p.plugin][:1] == ["code-reviewer"]
    assert picks[0].reason == "you chose it"
    assert check(dump(wf)).ok


def test_use_of_a_plugin_not_in_the_catalog_is_refused(
    cli: Callable[..., Result], fixture_catalog: list[PluginRecord], tmp_path: Path
) -> None:
    out = tmp_path / "wf.json"
    r = cli("workflow", "plan", "build the ci pipeline", "--use", "nope-plugin", "-o", str(out))
    assert r.exit_code == 1, r.stdout + r.stderr
    assert "nope-plugin" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()  # nothing planned


def test_needs_on_stdin_must_be_a_list_of_strings(
    cli: Callable[..., Result], fixture_catalog: list[PluginRecord]
) -> None:
    for bad in ('{"need": "x"}', '["ok", 3]', "not json", '["  "]'):
        r = cli("workflow", "plan", "--needs-json", "-", input=bad)
        assert r.exit_code == 2, (bad, r.stdout + r.stderr)
    r = cli("workflow", "plan", "--needs-json", "-", "--json", input='["build the ci pipeline"]')
    assert r.exit_code == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert [s["plugin"] for s in doc["steps"]] == ["ci-builder"]


def test_empty_need_is_a_usage_error(
    cli: Callable[..., Result], fixture_catalog: list[PluginRecord]
) -> None:
    r = cli("workflow", "plan", "--need", "build the ci pipeline", "--need", "  ")
    assert r.exit_code == 2, r.stdout + r.stderr


@pytest.mark.parametrize(
    "goal",
    [
        "deploy",
        "build, test and deploy it",
        "if it works ship it, otherwise fix it",
        "review the code at the same time as the security scan",
        "then then and , ;",
    ],
)
def test_planner_output_always_validates(goal: str, fixture_catalog: list[PluginRecord]) -> None:
    with Catalog.open() as cat:
        try:
            wf = planner.plan(cat, goal)
        except Exception as exc:  # only our typed "no need found" error is acceptable
            from agentops_lite.errors import UsageError

            assert isinstance(exc, UsageError), exc
            return
    assert check(dump(wf)).ok


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


def test_a_use_plugin_that_fits_no_need_is_an_error_not_ignored(
    cli: Callable[..., Result], fixture_catalog: list[PluginRecord]
) -> None:
    r = cli("workflow", "plan", "--need", "build the ci pipeline", "--use", "k8s-deployer")
    assert r.exit_code == 1 and "fits none of the needs" in r.stderr, r.stdout + r.stderr


def test_parallel_checks_then_a_deploy_after_them(fixture_catalog: list[PluginRecord]) -> None:
    with Catalog.open() as cat:
        wf = planner.plan(cat, "in parallel run the security scan and code review, then deploy")
    block, deploy = wf.steps
    assert isinstance(block, ParallelNode) and isinstance(deploy, StepNode)
    # A failed check is a failure, not advice to ignore: the branches keep the default (stop).
    assert all(b.on_failure == "stop" for b in block.branches)  # type: ignore[union-attr]
    assert deploy.plugin == "k8s-deployer"


def test_of_two_plugins_fitting_a_need_the_one_that_knows_the_goal_comes_first() -> None:
    from agentops_lite.discovery.goal import Need
    from agentops_lite.discovery.needs import _by_goal
    from agentops_lite.discovery.rank import Hit

    def hit(name: str, description: str, score: float) -> Hit:
        return Hit.model_construct(
            plugin=name, description=description, component_names=None, score=score
        )

    needs = [Need("export the sales figures"), Need("draw a chart")]
    helm = hit("helmviz", "Draw a chart of the helm values", 0.80)
    sales = hit("salesviz", "Draw a chart of the sales figures", 0.78)
    order = _by_goal([(helm, "strong", 1.0), (sales, "strong", 1.0)], needs[1], needs)
    assert [f[0].plugin for f in order] == ["salesviz", "helmviz"]
    # A clearly better match for the need itself still comes first.
    weak_sales = hit("salesviz", "Draw a chart of the sales figures", 0.5)
    order = _by_goal([(helm, "strong", 1.0), (weak_sales, "strong", 1.0)], needs[1], needs)
    assert [f[0].plugin for f in order] == ["helmviz", "salesviz"]


def test_a_step_names_a_component_only_when_the_need_picks_it_out() -> None:
    from agentops_lite.discovery.goal import Need
    from agentops_lite.discovery.needs import _component_for
    from agentops_lite.models import Component

    def record(*components: tuple[str, str, str]) -> PluginRecord:
        entry = SimpleNamespace(components=[Component(kind=k, name=n, description=d)  # type: ignore[arg-type]
                                            for k, n, d in components])  # fmt: skip
        return SimpleNamespace(name="nextjs-expert", entry=entry)  # type: ignore[return-value]

    three = record(
        ("command", "add-auth", "Add authentication to a Next.js application"),
        ("command", "optimize", "Analyze and optimize Next.js application performance"),
        ("command", "scaffold", "Scaffold Next.js components following best practices"),
    )
    # All three name Next.js: choosing the first would be made up.
    assert _component_for(three, Need("build a SaaS with Next.js")) is None
    # Nothing names the deploy; the words "it" stands for do not pick one either.
    assert _component_for(three, Need("deploy it", context=("nextjs",))) is None
    use = _component_for(three, Need("optimize the Next.js performance"))
    assert use is not None and use.usage == "/nextjs-expert:optimize"
    use = _component_for(three, Need("add sign-in with auth"))
    assert use is not None and use.name == "add-auth"
    # A plugin with a single component: that is what to use, whatever its blurb says.
    one = record(("agent", "deployer", "Ships releases"))
    use = _component_for(one, Need("deploy it"))
    assert use is not None and use.usage == "nextjs-expert:deployer"
    skill = record(("skill", "pdf", "Read PDF files"), ("hook", "guard", "Guards pdf reads"))
    use = _component_for(skill, Need("summarise a pdf"))
    assert use is not None and use.usage == "the pdf skill"


def test_checks_run_together_gate_what_follows_on_all_of_them(
    fixture_catalog: list[PluginRecord],
) -> None:
    with Catalog.open() as cat:
        wf = planner.plan(
            cat, "review the code and run the unit tests in parallel, then deploy if they pass"
        )
        found = planner.plan(cat, "scan for security issues; if you find any, debug and fix them")
    assert check(dump(wf)).ok and check(dump(found)).ok
    block, cond = wf.steps
    assert isinstance(block, ParallelNode) and isinstance(cond, ConditionalNode)
    ids = [b.id for b in block.branches]  # type: ignore[union-attr]
    assert cond.if_ == " and ".join(f"{i}.passed" for i in ids)
    assert [s.plugin for s in cond.then] == ["k8s-deployer"]  # type: ignore[union-attr]
    gate, cond = found.steps
    assert isinstance(gate, StepNode) and gate.outputs == ["found"] and gate.plugin == "vuln-scan"
    assert '"found": true|false' in (gate.instructions or "")
    assert isinstance(cond, ConditionalNode) and cond.if_ == f"{gate.id}.found"
    # "debug and fix them" is two needs; the one plugin that does both serves them.
    assert [s.plugin for s in cond.then] == ["debug-helper"] * 2  # type: ignore[union-attr]


def test_plans_of_numbered_failing_and_parallel_goals_run_as_written(
    fixture_catalog: list[PluginRecord],
) -> None:
    with Catalog.open() as cat:
        numbered = planner.plan(cat, "1. scan for security issues 2. build the ci pipeline")
        failing = planner.plan(cat, "deploy to kubernetes; if it fails, roll back")
        together = planner.plan(
            cat, "review the code and scan for security at the same time, then deploy"
        )
        broken, picks = planner.plan_goal(cat, "if the build is broken, debug it")
    for wf in (numbered, failing, together, broken):
        assert check(dump(wf)).ok
    assert all(s.id[0].isalpha() for s in _steps(numbered))
    # The branch for a failure runs when the deploy fails: the gate continues into it, and
    # the plugin that deployed is the one to roll back with.
    gate, cond = failing.steps
    assert isinstance(gate, StepNode) and gate.on_failure == "continue" and gate.rollback is None
    assert isinstance(cond, ConditionalNode) and not cond.then
    assert [s.plugin for s in cond.else_] == ["k8s-deployer"]  # type: ignore[union-attr]
    # The step after a parallel block takes every branch's result.
    block, deploy = together.steps
    assert isinstance(block, ParallelNode) and isinstance(deploy, StepNode)
    assert set(deploy.inputs) == {b.id for b in block.branches}  # type: ignore[union-attr]
    # A check nothing in the goal does is Claude's to answer, with no plugin guessed for it.
    assert picks[0].added and picks[0].plugin is None and picks[0].check == "found"
