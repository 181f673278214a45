"""A small safe expression language for conditions and `${…}` references (own parser, never eval).

Grammar (lowest precedence first):
    expr    := or
    or      := and (("or" | "||") and)*
    and     := not (("and" | "&&") not)*
    not     := ("not" | "!") not | compare
    compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") operand)?
    operand := literal | path | "(" expr ")"
    literal := number | 'string' | "string" | true | false | null
    path    := NAME ("." NAME | "[" INT "]")*        NAME may contain `-` (`test-results.passed`)

Evaluation never raises: a missing path is null, an ordering between mismatched types is false.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

PathPart = str | int
Resolver = Callable[[tuple[PathPart, ...]], Any]

MAX_EXPR_CHARS = 2000
MAX_DEPTH = 50


class ExprError(ValueError):
    """A condition or reference that does not parse; `pos` is the 0-based column."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(f"{message} (at column {pos + 1})")
        self.pos = pos


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Path:
    parts: tuple[PathPart, ...]
    pos: int = 0

    def text(self) -> str:
        out = ""
        for p in self.parts:
            out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
        return out


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare:
    op: str
    left: Expr
    right: Expr


Expr = Literal | Path | Not | BoolOp | Compare

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_-]))
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].])
  | (?P<name>[A-Za-z0-9_][A-Za-z0-9_-]*)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
_WORD_OPS = {"&&": "and", "||": "or", "!": "not"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # num | str | op | name | kw | end
    text: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError(f"expression longer than {MAX_EXPR_CHARS} characters", MAX_EXPR_CHARS)
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise ExprError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup or ""
        value = m.group()
        if kind == "name" and value in _KEYWORDS:
            kind = "kw"
        if kind == "op" and value in _WORD_OPS:
            kind, value = "kw", _WORD_OPS[value]
        if kind != "ws":
            out.append(_Tok(kind, value, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text or tok.kind in ("str", "end"):
            found = "the end" if tok.kind == "end" else repr(tok.text)
            raise ExprError(f"expected {text!r}, found {found}", tok.pos)

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise ExprError("empty expression", 0)
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExprError(f"unexpected {tok.text!r}", tok.pos)
        return node

    def or_(self) -> Expr:
        node = self.and_()
        while self.peek().kind == "kw" and self.peek().text == "or":
            self.take()
            node = BoolOp("or", node, self.and_())
        return node

    def and_(self) -> Expr:
        node = self.not_()
        while self.peek().kind == "kw" and self.peek().text == "and":
            self.take()
            node = BoolOp("and", node, self.not_())
        return node

    def not_(self) -> Expr:
        tok = self.peek()
        if tok.kind == "kw" and tok.text == "not":
            self.take()
            self._enter(tok.pos)
            node: Expr = Not(self.not_())
            self.depth -= 1
            return node
        return self.compare()

    def _enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("expression nested too deeply", pos)

    def compare(self) -> Expr:
        left = self.operand()
        tok = self.peek()
        if (tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">=")) or (
            tok.kind == "kw" and tok.text == "in"
        ):
            self.take()
            return Compare(tok.text, left, self.operand())
        return left

    def operand(self) -> Expr:
        tok = self.take()
        if tok.kind == "num":
            return Literal(json.loads(tok.text))
        if tok.kind == "str":
            return Literal(_unquote(tok))
        if tok.kind == "kw" and tok.text in ("true", "false", "null"):
            return Literal({"true": True, "false": False, "null": None}[tok.text])
        if tok.kind == "op" and tok.text == "(":
            self._enter(tok.pos)
            node = self.or_()
            self.expect(")")
            self.depth -= 1
            return node
        if tok.kind in ("name", "kw") and tok.text not in ("and", "or", "not", "in"):
            return self.path(tok)
        found = "the end" if tok.kind == "end" else repr(tok.text)
        raise ExprError(f"expected a value or a path, found {found}", tok.pos)

    def path(self, head: _Tok) -> Path:
        parts: list[PathPart] = [head.text]
        while self.peek().kind == "op" and self.peek().text in (".", "["):
            tok = self.take()
            if tok.text == ".":
                name = self.take()
                if name.kind not in ("name", "kw", "num") or name.text.startswith("-"):
                    raise ExprError("expected a field name after '.'", name.pos)
                parts.append(name.text)
            else:
                index = self.take()
                if index.kind != "num" or not index.text.isdigit():
                    raise ExprError("expected a list index such as [0]", index.pos)
                parts.append(int(index.text))
                self.expect("]")
        return Path(tuple(parts), head.pos)


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


def _unquote(tok: _Tok) -> str:
    body, out, i = tok.text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise ExprError(f"unknown escape \\{nxt} in string", tok.pos + i + 1)
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse(text: str) -> Expr:
    """Parse a condition; raises ExprError with a column."""
    return _Parser(text).parse()


def parse_path(text: str) -> Path:
    """Parse the inside of `${…}`: one path only."""
    node = parse(text)
    if not isinstance(node, Path):
        raise ExprError("a ${…} reference holds one path such as step.output", 0)
    return node


def paths(node: Expr) -> Iterator[Path]:
    """Every path an expression reads."""
    if isinstance(node, Path):
        yield node
    elif isinstance(node, Not):
        yield from paths(node.operand)
    elif isinstance(node, (BoolOp, Compare)):
        yield from paths(node.left)
        yield from paths(node.right)


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no", "null")
    return bool(value)


def evaluate(node: Expr, resolve: Resolver) -> Any:
    """The value of `node`; paths are looked up through `resolve` (missing → None)."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Path):
        return resolve(node.parts)
    if isinstance(node, Not):
        return not truthy(evaluate(node.operand, resolve))
    if isinstance(node, BoolOp):
        left = truthy(evaluate(node.left, resolve))
        if node.op == "and":
            return left and truthy(evaluate(node.right, resolve))
        return left or truthy(evaluate(node.right, resolve))
    return _compare(node.op, evaluate(node.left, resolve), evaluate(node.right, resolve))


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if op == "in":
        if isinstance(b, str):
            return isinstance(a, str) and a in b
        return isinstance(b, (list, dict)) and a in b
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
    if not numbers and not (isinstance(a, str) and isinstance(b, str)):
        return False
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


# -- templates: "${step.output}" inside input strings --------------------------------------
_REF_RE = re.compile(r"\$\$\{|\$\{([^}]*)\}")


def template_paths(text: str) -> Iterator[tuple[str, Path | ExprError]]:
    """Every `${…}` in a string: (the raw reference, its parsed path or the parse error)."""
    for m in _REF_RE.finditer(text):
        if m.group(0) == "$${":
            continue
        inner = m.group(1)
        try:
            yield inner, parse_path(inner.strip())
        except ExprError as exc:
            yield inner, exc
    # An opening `${` with no closing brace is a mistake worth reporting.
    stripped = _REF_RE.sub("", text)
    if "${" in stripped:
        yield stripped, ExprError("`${` without a closing `}`", stripped.index("${"))


def render(value: Any, resolve: Resolver) -> Any:
    """Substitute references in a JSON value. A string that is exactly one `${x}` keeps x's type."""
    if isinstance(value, dict):
        return {k: render(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, resolve) for v in value]
    if not isinstance(value, str) or "$" not in value:
        return value
    whole = _REF_RE.fullmatch(value.strip())
    if whole and whole.group(0) != "$${":
        try:
            return resolve(parse_path(whole.group(1).strip()).parts)
        except ExprError:
            return value

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$${":
            return "${"
        try:
            found = resolve(parse_path(m.group(1).strip()).parts)
        except ExprError:
            return m.group(0)
        if isinstance(found, str):
            return found
        return "" if found is None else json.dumps(found, ensure_ascii=False)

    return _REF_RE.sub(sub, value)
