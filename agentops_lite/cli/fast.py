"""The hot read commands without typer: `discover QUERY [--json] [--explain] [-n N]`, `--help`.

Building the typer app (a pydantic adapter per option of every command) costs more than the
answer itself, so entry.py hands these simple, common forms here first. Anything else, or
anything this parser is unsure of (other options, odd values, `--`, help), returns False and
typer takes it, so a usage error keeps typer's own wording. The root `--help` text is typer's,
saved at build time (data/help.txt) with a signature of the CLI code it came from.
"""

from __future__ import annotations

import os
import sys

# Not `typing.TYPE_CHECKING`: `--help` answered here should not even import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from agentops_lite.catalog.store import Catalog

# The `--limit` range the typer command declares (min=1, max=500); outside it typer answers.
_LIMIT_MAX = 500
_CLI = os.path.dirname(os.path.abspath(__file__))
HELP_FILE = os.path.join(os.path.dirname(_CLI), "data", "help.txt")
# Click wraps help at min(terminal width, 80) - 2 columns: from 80 on the text is the same.
_HELP_WIDTH = 80


class DiscoverArgs:
    """What `discover` was asked (a plain class: dataclasses would import inspect)."""

    __slots__ = ("explain", "json_", "limit", "marketplace", "query")

    def __init__(
        self,
        query: str,
        limit: int = 10,
        json_: bool = False,
        explain: bool = False,
        marketplace: list[str] | None = None,
    ) -> None:
        self.query, self.limit, self.json_, self.explain = query, limit, json_, explain
        self.marketplace = marketplace or []

    def _key(self) -> tuple[object, ...]:
        return (self.query, self.limit, self.json_, self.explain, self.marketplace)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DiscoverArgs) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DiscoverArgs{self._key()!r}"


def parse_discover(args: Sequence[str]) -> DiscoverArgs | None:
    """`discover`'s arguments in their plain forms, or None when typer should parse them."""
    query: str | None = None
    limit, json_, explain = 10, False, False
    i = 0
    while i < len(args):
        token = args[i]
        value: str | None = None
        if token == "--json":
            json_ = True
        elif token == "--explain":
            explain = True
        elif token in ("-n", "--limit") and i + 1 < len(args):
            value = args[i + 1]
            i += 1
        elif token.startswith("--limit="):
            value = token.removeprefix("--limit=")
        elif token.startswith("-") or query is not None:
            return None
        else:
            query = token
        if value is not None:
            if not (value.isascii() and value.isdigit() and len(value) <= 4):
                return None
            if not 1 <= int(value) <= _LIMIT_MAX:
                return None
            limit = int(value)
        i += 1
    if query is None:
        return None
    return DiscoverArgs(query, limit, json_, explain)


def discover_answer(
    args: DiscoverArgs,
    *,
    category: str | None = None,
    installed: bool | None = None,
    min_stars: int | None = None,
    weights: str | None = None,
    half_life: float = 180.0,
    before: Callable[[Catalog], None] | None = None,
) -> None:
    """`discover`: rank, then print the JSON document or the table (the typer command too)."""
    from agentops_lite.cli import render
    from agentops_lite.cli.session import read_catalog, snapshot_note
    from agentops_lite.discovery import rank

    rank.require_query(args.query)  # before --refresh goes to the network
    parsed = rank.parse_weights(weights)
    with read_catalog() as cat:
        if before is not None:
            before(cat)
        # plain: the result as tuples, printed without pydantic (the same JSON document).
        result = rank.discover(
            cat,
            args.query,
            limit=args.limit,
            marketplaces=args.marketplace,
            category=category,
            installed=installed,
            min_stars=min_stars,
            weights=parsed,
            half_life_days=half_life,
            explain=args.explain,
            plain=True,
        )
        if args.json_:
            from agentops_lite.discovery.found import as_json

            render.emit_json(as_json(result))
            return
        from agentops_lite.cli.discover_views import discover_table

        filters = [f"--marketplace {m}" for m in args.marketplace]
        if category:
            filters.append(f"--category {category}")
        if installed is not None:
            filters.append("--installed" if installed else "--not-installed")
        if min_stars is not None:
            filters.append(f"--min-stars {min_stars}")
        discover_table(result, args.explain, filters)
        if result.results and result.nothing_fits:
            render.warn(
                "nothing in the catalog fits this well: these are the closest matches, all weak"
            )
        snapshot_note(cat)


def help_signature() -> str:
    """The code the root help comes from: every CLI module and the version."""
    import zlib  # not hashlib: loading OpenSSL would cost more than the help itself

    names = sorted(n for n in os.listdir(_CLI) if n.endswith(".py"))
    paths = [os.path.join(_CLI, n) for n in names]
    paths.append(os.path.join(os.path.dirname(_CLI), "__init__.py"))
    crc = 0
    for path in paths:
        with open(path, "rb") as fh:
            crc = zlib.crc32(os.path.basename(path).encode() + b"\0" + fh.read(), crc)
    return f"{crc:08x}-{len(paths)}"


def help_document() -> str:
    """data/help.txt: the signature line, then typer's root `--help` at 80 columns."""
    import os
    import subprocess

    code = "from agentops_lite.cli import main; main(['--help'])"
    env = {**os.environ, "COLUMNS": str(_HELP_WIDTH)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return f"{help_signature()}\n{done.stdout}"


def _columns() -> int:
    """`shutil.get_terminal_size().columns`, which click wraps by, without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _saved_help() -> str | None:
    if _columns() < _HELP_WIDTH:
        return None
    try:
        with open(HELP_FILE, encoding="utf-8") as fh:
            signature, _, text = fh.read().partition("\n")
    except OSError:
        return None
    return text if text and signature == help_signature() else None


def run(argv: Sequence[str]) -> bool:
    """Answer argv here when it is a plain hot read command; False: typer should run it."""
    if list(argv) in (["--help"], ["-h"]):
        text = _saved_help()
        if text is None:
            return False
        sys.stdout.write(text)
        return True
    if not argv or argv[0] != "discover":
        return False
    parsed = parse_discover(argv[1:])
    if parsed is None:
        return False
    from agentops_lite.cli.guard import run_guarded

    run_guarded(lambda: discover_answer(parsed), list(argv))
    return True
