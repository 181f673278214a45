"""Stored listings read back as plain tuples (no pydantic), and the protocols both forms satisfy.

A warm `discover` reads a few dozen listings and ranks them; importing pydantic and building
the `PluginRecord` validators would cost it several times the query. The ranking reads only
what `ListingLike` names, so it takes these views and the pydantic records alike. The stored
entry JSON was written by `PluginEntry.model_dump_json`, so reading it back needs no
validation; the defaults below are the model's, for entries stored before a field existed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

# The protocols exist for the type checker only: creating Protocol classes at run time costs
# the warm path more than the views themselves.
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Protocol

    class ComponentLike(Protocol):
        @property
        def kind(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def description(self) -> str | None: ...
        @property
        def command(self) -> str | None: ...

    class RunLike(Protocol):
        @property
        def kind(self) -> str: ...
        @property
        def detail(self) -> str | None: ...

    class ReadmeLike(Protocol):
        @property
        def path(self) -> str: ...
        @property
        def words(self) -> int: ...
        @property
        def install_line(self) -> bool: ...
        @property
        def unread(self) -> bool: ...
        @property
        def privacy_link(self) -> bool: ...

    class FilesLike(Protocol):
        @property
        def runs(self) -> Sequence[RunLike]: ...
        @property
        def readme(self) -> ReadmeLike | None: ...
        @property
        def license_file(self) -> str | None: ...
        @property
        def license_declared(self) -> bool: ...
        @property
        def icon(self) -> str | None: ...
        @property
        def evals(self) -> bool: ...
        @property
        def privacy_url(self) -> bool: ...
        @property
        def files_digest(self) -> str: ...

    class SourceLike(Protocol):
        @property
        def ref(self) -> str | None: ...
        @property
        def sha(self) -> str | None: ...

    class ProblemLike(Protocol):
        @property
        def severity(self) -> str: ...

    class EntryLike(Protocol):
        @property
        def name(self) -> str: ...
        @property
        def index(self) -> int: ...
        @property
        def source(self) -> SourceLike: ...
        @property
        def raw(self) -> dict[str, Any]: ...
        @property
        def description(self) -> str | None: ...
        @property
        def version(self) -> str | None: ...
        @property
        def category(self) -> str | None: ...
        @property
        def keywords(self) -> Sequence[str]: ...
        @property
        def tags(self) -> Sequence[str]: ...
        @property
        def license(self) -> str | None: ...
        @property
        def components(self) -> Sequence[ComponentLike]: ...
        @property
        def components_read(self) -> bool: ...
        @property
        def files(self) -> FilesLike | None: ...
        @property
        def problems(self) -> Sequence[ProblemLike]: ...
        @property
        def has_errors(self) -> bool: ...

    class ListingLike(Protocol):
        """What ranking and the listing facts read of a listing (`models.PluginRecord` has it)."""

        @property
        def id(self) -> int: ...
        @property
        def marketplace_key(self) -> str: ...
        @property
        def marketplace_name(self) -> str | None: ...
        @property
        def marketplace_source(self) -> str: ...
        @property
        def entry(self) -> EntryLike: ...
        @property
        def installed(self) -> bool: ...
        @property
        def installs(self) -> int | None: ...
        @property
        def stars(self) -> int | None: ...
        @property
        def stars_at(self) -> datetime | None: ...
        @property
        def pushed_at(self) -> datetime | None: ...
        @property
        def archived(self) -> bool: ...
        @property
        def dedup_key(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def install_name(self) -> str: ...


class StoredComponent(NamedTuple):
    kind: str
    name: str
    description: str | None
    command: str | None = None


class StoredRun(NamedTuple):
    kind: str
    detail: str | None


class StoredReadme(NamedTuple):
    path: str
    words: int
    install_line: bool
    unread: bool
    privacy_link: bool


class StoredFiles(NamedTuple):
    runs: tuple[StoredRun, ...]
    readme: StoredReadme | None
    license_file: str | None
    license_declared: bool
    icon: str | None
    evals: bool
    privacy_url: bool
    files_digest: str


class StoredSource(NamedTuple):
    ref: str | None
    sha: str | None


class StoredProblem(NamedTuple):
    severity: str


class StoredEntry(NamedTuple):
    name: str
    description: str | None
    version: str | None
    category: str | None
    keywords: tuple[str, ...]
    tags: tuple[str, ...]
    license: str | None
    components: tuple[StoredComponent, ...]
    components_read: bool
    files: StoredFiles | None
    problems: tuple[StoredProblem, ...]
    # The entry's position, as `PluginEntry.index` (it shadows tuple.index, never called here).
    index: int  # type: ignore[assignment]
    source: StoredSource
    raw: dict[str, Any]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class Listing(NamedTuple):
    """A stored listing as `catalog.read.record_from_row` reads it, without the validation."""

    id: int
    marketplace_key: str
    marketplace_name: str | None
    marketplace_source: str
    entry: StoredEntry
    installed: bool
    installs: int | None
    stars: int | None
    stars_at: datetime | None
    pushed_at: datetime | None
    archived: bool
    dedup_key: str

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def install_name(self) -> str:
        """`plugin@marketplace` as `/plugin install` expects it."""
        return f"{self.entry.name}@{self.marketplace_name or self.marketplace_key}"


def _files(d: dict[str, Any]) -> StoredFiles:
    readme = d.get("readme")
    return StoredFiles(
        runs=tuple(StoredRun(r["kind"], r.get("detail")) for r in d.get("runs") or ()),
        readme=None
        if readme is None
        else StoredReadme(
            path=readme["path"],
            words=readme["words"],
            install_line=readme["install_line"],
            unread=readme.get("unread", False),
            privacy_link=readme.get("privacy_link", False),
        ),
        license_file=d.get("license_file"),
        license_declared=d.get("license_declared", False),
        icon=d.get("icon"),
        evals=d.get("evals", False),
        privacy_url=d.get("privacy_url", False),
        files_digest=d.get("files_digest", ""),
    )


def entry_from_json(text: str) -> StoredEntry:
    """The fields of a stored `PluginEntry` that ranking reads."""
    d: dict[str, Any] = json.loads(text)
    components = d.get("components") or ()
    read = d.get("components_read")
    if read is None:  # stored before the flag existed: PluginEntry's before-validator rule
        read = bool(components) or bool(d.get("has_plugin_json"))
    files = d.get("files")
    source = d["source"]
    return StoredEntry(
        name=d["name"],
        description=d.get("description"),
        version=d.get("version"),
        category=d.get("category"),
        keywords=tuple(d.get("keywords") or ()),
        tags=tuple(d.get("tags") or ()),
        license=d.get("license"),
        components=tuple(
            StoredComponent(c["kind"], c["name"], c.get("description"), c.get("command"))
            for c in components
        ),
        components_read=bool(read),
        files=None if files is None else _files(files),
        problems=tuple(StoredProblem(p["severity"]) for p in d.get("problems") or ()),
        index=d["index"],
        source=StoredSource(source.get("ref"), source.get("sha")),
        raw=d.get("raw") or {},
    )


def listing_from_row(row: tuple[Any, ...]) -> Listing:
    """A row of `catalog.read`'s listing query as a `Listing`."""
    return Listing(
        id=row[0],
        marketplace_key=row[1],
        marketplace_name=row[2],
        marketplace_source=row[3],
        entry=entry_from_json(row[4]),
        dedup_key=row[5],
        stars=row[6],
        pushed_at=datetime.fromisoformat(row[7]) if row[7] else None,
        archived=bool(row[8]),
        installed=bool(row[9]),
        installs=row[10],
        stars_at=datetime.fromisoformat(row[11]) if row[11] else None,
    )
