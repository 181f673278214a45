"""The condition/reference language: parsing, evaluation, templates; never eval."""

from __future__ import annotations

from typing import Any

import pytest

from agentops_lite.workflow import expr

STATE: dict[tuple[Any, ...], Any] = {
    ("test-results", "passed"): True,
    ("build", "output"): "build/dist",
    ("build", "artifacts"): ["app.js", "app.css"],
    ("build", "artifacts", 0): "app.js",
    ("cov", "pct"): 95,
    ("inputs", "env"): "prod",
}


def resolve(parts: tuple[Any, ...]) -> Any:
    return STATE.get(parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("test-results.passed", True),
        ("not test-results.passed", False),
        ("cov.pct >= 90 and inputs.env == 'prod'", True),
        ('cov.pct > 99 or build.output == "build/dist"', True),
        ("'app.js' in build.artifacts", True),
        ("'dist' in build.output", True),
        ("missing.field", None),
        ("missing.field == null", True),
        ("cov.pct < 'x'", False),  # mismatched types order as false, never raise
        ("!(cov.pct < 50) && true", True),
        ("build.artifacts[0] == 'app.js'", True),
        ("-1.5 < 0", True),
    ],
)
def test_expr_evaluates(text: str, expected: Any) -> None:
    assert expr.evaluate(expr.parse(text), resolve) == expected


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("", 1),
        ("a ==", 5),
        ("a.b ==== c", 7),
        ("(a and b", 9),
        ("a.[0]", 3),
        ("a[x]", 3),
        ("__import__('os').system('x')", 11),
        ("a; b", 2),
        ("'unterminated", 1),
    ],
)
def test_expr_rejects_with_a_column(text: str, column: int) -> None:
    with pytest.raises(expr.ExprError) as info:
        expr.parse(text)
    assert info.value.pos + 1 == column


def test_expr_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(expr.ExprError):
        expr.parse("(" * 500 + "a" + ")" * 500)
    with pytest.raises(expr.ExprError):
        expr.parse("not " * 500 + "a")


def test_expr_paths_lists_every_reference() -> None:
    node = expr.parse("a.b and not (c[0] == d.e)")
    assert [p.text() for p in expr.paths(node)] == ["a.b", "c[0]", "d.e"]


def test_expr_render_keeps_types_and_interpolates() -> None:
    value = {
        "whole": "${build.artifacts}",
        "text": "deploy ${build.artifacts[0]} to ${inputs.env} (${cov.pct}%)",
        "escaped": "$${not.a.ref}",
        "list": ["${test-results.passed}"],
    }
    assert expr.render(value, resolve) == {
        "whole": ["app.js", "app.css"],
        "text": "deploy app.js to prod (95%)",
        "escaped": "${not.a.ref}",
        "list": [True],
    }


def test_expr_template_paths_reports_bad_references() -> None:
    found = list(expr.template_paths("${ok.x} ${bad ==} ${open"))
    kinds = [isinstance(p, expr.ExprError) for _raw, p in found]
    assert kinds == [False, True, True]
