"""Domain types shared by sources, the catalog, ranking and the CLI (pydantic v2, frozen)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["error", "warning"]
SourceKind = Literal[
    "relative", "github", "url", "git-subdir", "npm", "archive", "command", "unknown"
]
ComponentKind = Literal["command", "agent", "skill", "hook", "mcp", "lsp"]
Origin = Literal["user", "claude", "default", "embedded"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class OutputModel(BaseModel):
    """Base of every result a command prints: frozen, and strict so a typo'd field fails loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Problem(_Frozen):
    """One defect found in a manifest or component file."""

    severity: Severity = Field(description="error: Claude Code would refuse it; warning: odd")
    path: str = Field(description="Where, JSON-pointer-like: `plugins[3].source`")
    message: str = Field(description="Plain-language description of the defect")
    code: str = Field(description="Stable machine id of the defect kind, e.g. `source-traversal`")


class PluginSource(_Frozen):
    """Where a plugin's files come from, normalised from the entry's `source`."""

    kind: SourceKind
    path: str | None = Field(
        default=None, description="Relative dir (posix, no ./) or git-subdir path"
    )
    repo: str | None = Field(default=None, description="owner/repo when the source is on GitHub")
    url: str | None = None
    ref: str | None = None
    sha: str | None = None
    package: str | None = Field(default=None, description="npm package name")
    raw: Any = Field(default=None, description="The source value exactly as written")

    def describe(self) -> str:
        """A short human label: `./plugins/x`, `github:o/r`, `npm:pkg`…"""
        if self.kind == "relative":
            return "./" + (self.path or "")
        if self.repo:
            suffix = f"/{self.path}" if self.path else ""
            return f"github:{self.repo}{suffix}"
        if self.url:
            return self.url
        if self.package:
            return f"npm:{self.package}"
        return self.kind


class Component(_Frozen):
    """A command, agent, skill, hook, MCP or LSP server shipped by a plugin."""

    kind: ComponentKind
    name: str
    description: str | None = None
    command: str | None = Field(
        default=None, description="For hooks/MCP/LSP: the program it runs on your machine"
    )


class ReadmeFacts(_Frozen):
    """What a plugin's README says about it, measured when its files were read."""

    path: str = Field(description="Which file counted, relative to the plugin folder")
    words: int = Field(description="Words outside code fences, link targets and bare URLs")
    install_line: bool = Field(description="A `/plugin install` or `claude plugin install` line")
    unread: bool = Field(default=False, description="Found but too large or unreadable")
    privacy_link: bool = Field(default=False, description="A line about privacy with an https link")


class RunItem(_Frozen):
    """One thing a plugin runs on the user's machine, or one place it connects to."""

    kind: Literal["hook", "mcp", "lsp", "monitor", "bin"]
    name: str = Field(description="Hook event, server or monitor name, or bin file path")
    command: str | None = Field(
        default=None, description="The command line (with args), URL or prompt; None: not stated"
    )
    detail: str | None = Field(
        default=None, description="Hook type/matcher, server transport, or bin file sha256"
    )


class PluginFiles(_Frozen):
    """Facts read from a plugin's own folder beyond its components (trust and quality)."""

    runs: tuple[RunItem, ...] = Field(
        default=(), description="Every hook command, server, monitor and bin file"
    )
    hosts: tuple[str, ...] = Field(
        default=(), description="Network hosts named by remote servers, HTTP hooks or `network`"
    )
    readme: ReadmeFacts | None = None
    license_file: str | None = Field(default=None, description="LICENSE-like file in the folder")
    license_declared: bool = Field(default=False, description="plugin.json sets `license`")
    icon: str | None = Field(default=None, description="Icon file found or `icon` declared")
    evals: bool = Field(default=False, description="Ships an evals/ folder")
    privacy_url: bool = Field(default=False, description="plugin.json sets privacyPolicyUrl")
    skipped_links: tuple[str, ...] = Field(
        default=(), description="Paths that are symlinks out of the plugin: never followed"
    )
    files_digest: str = Field(default="", description="sha256 over every component file read")


class PluginEntry(_Frozen):
    """One plugin as listed by a marketplace, merged with its plugin.json when we could read it."""

    name: str
    index: int = Field(description="Position in the marketplace's `plugins` array")
    description: str | None = None
    version: str | None = None
    category: str | None = None
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    author: str | None = None
    homepage: str | None = None
    repository: str | None = None
    license: str | None = None
    source: PluginSource
    strict: bool | None = None
    components: tuple[Component, ...] = ()
    components_read: bool = Field(
        default=False,
        description="Its files were read (so `components` is what it ships, even when empty); "
        "false: never read, what it ships is unknown",
    )
    has_plugin_json: bool = False
    files: PluginFiles | None = Field(
        default=None, description="Trust and quality facts of its folder; null: not read"
    )
    problems: tuple[Problem, ...] = ()
    raw: dict[str, Any] = Field(default_factory=dict, description="The entry exactly as written")
    plugin_json_dependencies: tuple[Any, ...] | None = Field(
        default=None,
        description="`dependencies` of its plugin.json as written (None: not declared there); "
        "Claude Code takes version ranges only from here, not from the entry",
    )

    @model_validator(mode="before")
    @classmethod
    def _read_before_the_flag(cls, data: Any) -> Any:
        # Entries stored before `components_read` existed: only a read entry can have
        # components or a plugin.json, so those say it was read.
        if isinstance(data, dict) and "components_read" not in data:
            read = bool(data.get("components")) or bool(data.get("has_plugin_json"))
            data = {**data, "components_read": read}
        return data

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class MarketplaceManifest(_Frozen):
    """A parsed marketplace.json: whatever could be read, plus every problem found."""

    name: str | None = None
    owner: str | None = None
    description: str | None = None
    version: str | None = None
    plugin_root: str | None = None
    plugins: tuple[PluginEntry, ...] = ()
    problems: tuple[Problem, ...] = Field(
        default=(), description="Marketplace-level problems (entry problems live on each entry)"
    )
    raw: dict[str, Any] | None = None

    def all_problems(self) -> list[tuple[str | None, Problem]]:
        """Every problem, paired with the plugin name it belongs to (None: the marketplace)."""
        out: list[tuple[str | None, Problem]] = [(None, p) for p in self.problems]
        for entry in self.plugins:
            out.extend((entry.name, p) for p in entry.problems)
        return out


class RepoMetrics(_Frozen):
    """What GitHub says about a repository."""

    repo: str
    stars: int | None = None
    stars_at: datetime | None = Field(
        default=None, description="When the star count was recorded (None: when fetched)"
    )
    pushed_at: datetime | None = None
    archived: bool = False
    license: str | None = None
    default_branch: str | None = None
    description: str | None = None


class MarketplaceRecord(_Frozen):
    """A marketplace as stored in the catalog."""

    id: int
    key: str = Field(description="User-facing unique id (the declared name unless it collides)")
    name: str | None = Field(description="Name declared in marketplace.json")
    source: str = Field(description="What the user added: path, owner/repo or URL")
    source_kind: str
    origin: Origin
    repo: str | None = None
    description: str | None = None
    added_at: datetime
    refreshed_at: datetime | None = None
    status: str = Field(description="new | ok | error")
    last_error: str | None = None
    plugin_count: int = 0
    error_count: int = 0
    warning_count: int = 0
    stars: int | None = None
    pushed_at: datetime | None = None
    archived: bool = False
    commit: str | None = None
    snapshot_date: datetime | None = Field(
        default=None, description="For embedded data: when the snapshot was taken"
    )
    name_conflict: bool = Field(
        default=False, description="Another source declares the same marketplace name"
    )


class PluginRecord(_Frozen):
    """A plugin listing as stored in the catalog (one per plugin per marketplace)."""

    id: int
    marketplace_key: str
    marketplace_name: str | None
    marketplace_source: str
    entry: PluginEntry
    installed: bool = False
    installs: int | None = None
    stars: int | None = None
    stars_at: datetime | None = Field(default=None, description="When `stars` was recorded")
    pushed_at: datetime | None = None
    archived: bool = False
    dedup_key: str = Field(description="Same key = same plugin listed in several marketplaces")

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def install_name(self) -> str:
        """`plugin@marketplace` as `/plugin install` expects it."""
        return f"{self.entry.name}@{self.marketplace_name or self.marketplace_key}"


class RefreshOutcome(_Frozen):
    """What happened to one marketplace during a refresh."""

    key: str
    source: str
    status: Literal["ok", "unchanged", "error"]
    plugins: int = 0
    errors: int = 0
    warnings: int = 0
    message: str | None = None


class RefreshReport(_Frozen):
    """The result of a refresh across several marketplaces."""

    started_at: datetime
    finished_at: datetime
    outcomes: tuple[RefreshOutcome, ...]
    offline: bool = False
    rate_limited_until: datetime | None = None
    # Install counts read from Claude Code (`claude plugin list --json --available`); None when
    # `claude` is not on PATH or printed none.
    install_counts: int | None = None
    # plugin@marketplace of installed plugins whose runnable surface changed in this refresh.
    surface_changed: tuple[str, ...] = ()

    @property
    def failed(self) -> list[RefreshOutcome]:
        return [o for o in self.outcomes if o.status == "error"]


class SnapshotAge(BaseModel):
    """How old the snapshot data in the catalog is (the `snapshot` block of `--json` output)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    date: str = Field(description="When the snapshot was taken, YYYY-MM-DD")
    age_days: int = Field(description="Whole days since then")
    marketplaces: int = Field(description="Marketplaces in the catalog served from the snapshot")
    plugins: int = Field(description="Plugin listings served from the snapshot")
