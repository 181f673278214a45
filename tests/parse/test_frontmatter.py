"""Frontmatter directly: YAML block scalars, the line fallback for bad YAML, odd bytes, caps."""

from __future__ import annotations

import pytest

from agentops_lite.parse.frontmatter import Frontmatter, parse_frontmatter


def test_plain_frontmatter() -> None:
    fm = parse_frontmatter("---\nname: helm-chart\ndescription: Write charts\n---\nBody text")
    assert fm == Frontmatter("helm-chart", "Write charts", present=True, valid=True)


def test_folded_block_scalar_joins_lines_and_keeps_paragraphs() -> None:
    text = "---\nname: reviewer\ndescription: >\n  Reviews\n  manifests\n\n  for drift\n---\n"
    fm = parse_frontmatter(text)
    assert fm.valid and fm.description == "Reviews manifests\nfor drift"


def test_literal_block_scalar_keeps_its_lines() -> None:
    fm = parse_frontmatter("---\ndescription: |\n  line one\n  line two\n---\n")
    assert fm.valid and fm.description == "line one\nline two" and fm.name is None


def test_unquoted_colons_fall_back_to_key_value_lines() -> None:
    # Strict YAML rejects "a: b: c"; Claude Code reads it, and so do we (valid=False says how).
    fm = parse_frontmatter(
        "---\nname: helm\ndescription: Write charts: with colons: everywhere\n---"
    )
    assert fm == Frontmatter("helm", "Write charts: with colons: everywhere", True, False)


def test_fallback_strips_quotes_and_ignores_other_broken_keys() -> None:
    text = "---\nname: \"quoted: x\"\ndescription: 'single: y'\ntools: [unclosed\n---\n"
    assert parse_frontmatter(text) == Frontmatter("quoted: x", "single: y", True, False)


def test_crlf_and_byte_order_mark() -> None:
    fm = parse_frontmatter("\ufeff---\r\nname: helm\r\ndescription: Charts\r\n---\r\nBody")
    assert fm == Frontmatter("helm", "Charts", True, True)


def test_yaml_that_is_not_a_mapping() -> None:
    assert parse_frontmatter("---\n- a\n- b\n---\n") == Frontmatter(None, None, True, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", "42"), ("3.5", "3.5"), ("true", None), ("[a, b]", None), ("{x: 1}", None), ("", None)],
)
def test_only_scalars_become_text(value: str, expected: str | None) -> None:
    fm = parse_frontmatter(f"---\nname: {value}\n---\n")
    assert fm.valid and fm.name == expected


def test_unsafe_yaml_tags_are_never_constructed() -> None:
    text = '---\nname: !!python/object/apply:os.system ["echo hi"]\ndescription: ok\n---\n'
    fm = parse_frontmatter(text)
    # The safe loader refuses the tag; the line fallback keeps it as inert text.
    assert not fm.valid and fm.description == "ok"
    assert fm.name == '!!python/object/apply:os.system ["echo hi"]'


@pytest.mark.parametrize(
    "text",
    [
        "---\nname: x\n",  # never closed
        "\n---\nname: x\n---\n",  # not at the very start
        "name: x\n",
        "",
    ],
)
def test_no_frontmatter_block(text: str) -> None:
    assert parse_frontmatter(text) == Frontmatter(None, None, present=False, valid=False)


def test_fence_may_end_the_file() -> None:
    assert parse_frontmatter("---\nname: ok\n---") == Frontmatter("ok", None, True, True)


def test_fallback_description_is_the_first_paragraph_without_heading_marks() -> None:
    text = "\n\n## Rolls back\nthe last release.\n\nMore text."
    fm = parse_frontmatter(text, fallback_description=True)
    assert fm == Frontmatter(None, "Rolls back the last release.", present=False, valid=False)
    assert parse_frontmatter(text).description is None  # only when asked


def test_fallback_description_is_capped() -> None:
    fm = parse_frontmatter("word " * 200, fallback_description=True)
    assert fm.description is not None
    assert len(fm.description) == 300 and fm.description.endswith("…")


def test_long_description_is_capped_and_control_characters_dropped() -> None:
    fm = parse_frontmatter('---\nname: "a\\u001bb"\ndescription: "' + "x" * 2000 + '"\n---\n')
    assert fm.name == "ab"  # no escape sequence reaches a terminal
    assert fm.description is not None
    assert len(fm.description) == 1024 and fm.description.endswith("…")


def test_huge_frontmatter_is_bounded_and_never_raises() -> None:
    text = "---\nname: big\ndescription: " + "y" * 100_000 + "\n---\n"
    fm = parse_frontmatter(text)
    assert fm.present and fm.name == "big"
    assert fm.description is not None and len(fm.description) <= 1024
