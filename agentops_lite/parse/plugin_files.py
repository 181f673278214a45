"""Trust and quality facts of one plugin folder: bin files, monitors, hosts, README, LICENSE, icon.

Everything is read through the same bounded `FileTree` as the components; nothing a plugin
ships is ever run, and links out of the plugin are never followed (the tree refuses them).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from typing import Any
from urllib.parse import urlsplit

from agentops_lite.models import PluginFiles, ReadmeFacts, RunItem
from agentops_lite.parse.safepath import shown

MAX_README_BYTES = 1024 * 1024  # Claude Code's directory profile reads READMEs up to 1 MiB
MAX_BIN_FILES = 50  # with MAX_BIN_BYTES, at most 50 MiB read per plugin
MAX_BIN_BYTES = 1024 * 1024  # hashed up to this much: a change past the first MiB goes unseen
MAX_HOSTS = 100
MAX_RUNS = 400
# The names Claude Code's directory profile accepts, in its order of preference.
README_NAMES = (
    "README.md",
    "readme.md",
    "Readme.md",
    "README.markdown",
    "README",
    "README.txt",
    "docs/README.md",
)
LICENSE_NAMES = frozenset(
    n.lower()
    for n in (
        "LICENSE",
        "LICENSE.md",
        "LICENSE.txt",
        "LICENCE",
        "LICENCE.md",
        "COPYING",
        "COPYING.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    )
)
ICON_PATHS = (
    ".claude-plugin/icon.svg",
    ".claude-plugin/icon.png",
    "icon.svg",
    "icon.png",
    "assets/icon.svg",
    "assets/icon.png",
    "assets/logo.svg",
    "assets/logo.png",
    "images/icon.png",
    "images/icon.svg",
)
_LINK = re.compile(r"\[([^\]\n]{0,160})\]\((https?://[^\s)<>]+)\)")
_URL = re.compile(r"https?://[^ \t\n\f\r)<>\"']+")
_INSTALL = re.compile(r"(/plugin\s+install|claude\s+plugin\s+install)\s+\S", re.IGNORECASE)
_PRIVACY = re.compile(r"privacy", re.IGNORECASE)


class HashingTree:
    """A FileTree that remembers a digest of every file read through it (the drift digest)."""

    def __init__(self, tree: Any) -> None:
        self._tree = tree
        self._seen: dict[str, tuple[int, str]] = {}

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        data: bytes | None = self._tree.read_bytes(path, max_bytes)
        # One-byte reads only ask whether a path exists; the full read is the one that counts.
        if data is not None and max_bytes > 1:
            known = self._seen.get(path)
            if known is None or len(data) > known[0]:
                self._seen[path] = (len(data), hashlib.sha256(data).hexdigest())
        return data

    def list_dir(self, path: str) -> list[str] | None:
        names: list[str] | None = self._tree.list_dir(path)
        return names

    def refused_links(self) -> list[str]:
        refused = getattr(self._tree, "refused_links", None)
        return sorted(refused) if isinstance(refused, set) else []

    def digest(self, under: str) -> str:
        prefix = f"{under}/" if under else ""
        lines = [
            f"{p[len(prefix) :]}\0{h}\n"
            for p, (_, h) in sorted(self._seen.items())
            if p.startswith(prefix)
        ]
        return hashlib.sha256("".join(lines).encode("utf-8", "replace")).hexdigest()


def host_of(url: str) -> str | None:
    """The host part of a URL, lower case; None when it has none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return shown(host.lower(), 253) if host else None


def readme_words(text: str) -> int:
    """Words as Claude Code's directory profile counts them: code fences, link targets and bare
    URLs left out (a README of only links and code says little)."""
    count, fenced = 0, False
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fenced = not fenced
            continue
        if fenced:
            continue
        line = _URL.sub("", _LINK.sub(lambda m: m.group(1), line))
        count += len(line.split())
    return count


def _join(*parts: str) -> str:
    joined = posixpath.normpath(posixpath.join(*[p for p in parts if p])) if any(parts) else "."
    return "" if joined == "." else joined


def _readme(tree: Any, plugin_dir: str) -> ReadmeFacts | None:
    for name in README_NAMES:
        data = tree.read_bytes(_join(plugin_dir, name), MAX_README_BYTES + 1)
        if data is None:
            continue
        if len(data) > MAX_README_BYTES:
            return ReadmeFacts(path=name, words=0, install_line=False, unread=True)
        text = data.decode("utf-8", "replace")
        return ReadmeFacts(
            path=name,
            words=readme_words(text),
            install_line=_INSTALL.search(text) is not None,
            privacy_link=any(_PRIVACY.search(ln) and "https://" in ln for ln in text.split("\n")),
        )
    return None


def _monitors(value: Any) -> list[RunItem]:
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"monitor[{i}]", v) for i, v in enumerate(value)]
    out = []
    for name, conf in items:
        if isinstance(conf, dict):
            cmd = conf.get("command")
            label = conf.get("name") if isinstance(conf.get("name"), str) else name
            out.append(
                RunItem(
                    kind="monitor",
                    name=str(label)[:200],
                    command=str(cmd)[:500] if isinstance(cmd, str) else None,
                )
            )
    return out


def _bin(tree: Any, plugin_dir: str) -> list[RunItem]:
    out = []
    for name in (tree.list_dir(_join(plugin_dir, "bin")) or [])[:MAX_BIN_FILES]:
        data = tree.read_bytes(_join(plugin_dir, "bin", name), MAX_BIN_BYTES)
        if data is None:
            continue  # a folder, or a link out of the plugin
        digest = hashlib.sha256(data).hexdigest()
        out.append(RunItem(kind="bin", name=f"bin/{shown(name, 200)}", detail=digest))
    return out


def declared_hosts(value: Any) -> list[str]:
    """Hosts of a `network: {hosts: [...]}` declaration (plugin.json or a stdio server)."""
    hosts = value.get("hosts") if isinstance(value, dict) else None
    return [shown(h.strip().lower(), 253) for h in hosts or [] if isinstance(h, str) and h.strip()]


def read_plugin_files(
    tree: HashingTree,
    plugin_dir: str,
    fields: dict[str, Any],
    manifest: dict[str, Any],
    runs: list[RunItem],
    hosts: list[str],
) -> PluginFiles:
    """The folder's facts; `runs`/`hosts` are what the component pass found in hooks/servers.

    `fields` is the effective plugin definition (entry and plugin.json merged); `manifest` is
    plugin.json alone, which is where Claude Code's directory profile reads icon, license and
    privacy policy from."""
    listing = tree.list_dir(plugin_dir) or []
    license_file = next(
        (
            n
            for n in listing
            if n.lower() in LICENSE_NAMES and tree.read_bytes(_join(plugin_dir, n), 1) is not None
        ),
        None,
    )
    icon = next(
        (p for p in ICON_PATHS if tree.read_bytes(_join(plugin_dir, p), 1) is not None), None
    )
    declared_icon = manifest.get("icon")
    if icon is None and isinstance(declared_icon, str) and declared_icon.strip():
        icon = shown(declared_icon.strip(), 200)
    readme = _readme(tree, plugin_dir)
    all_runs = [*runs, *_monitors(fields.get("monitors")), *_bin(tree, plugin_dir)][:MAX_RUNS]
    all_hosts = [*hosts, *declared_hosts(fields.get("network"))]
    privacy = manifest.get("privacyPolicyUrl")
    declared_license = manifest.get("license")
    prefix = f"{plugin_dir}/" if plugin_dir else ""
    links = [shown(p[len(prefix) :], 200) for p in tree.refused_links() if p.startswith(prefix)]
    return PluginFiles(
        runs=tuple(all_runs),
        hosts=tuple(sorted(set(all_hosts)))[:MAX_HOSTS],
        readme=readme,
        license_file=license_file,
        license_declared=isinstance(declared_license, str) and bool(declared_license.strip()),
        icon=icon,
        evals=tree.list_dir(_join(plugin_dir, "evals")) is not None,
        privacy_url=isinstance(privacy, str) and privacy.strip().startswith("https://"),
        skipped_links=tuple(links[:50]),
        files_digest=tree.digest(plugin_dir),
    )
