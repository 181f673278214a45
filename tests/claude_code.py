"""Finds or installs the pinned real Claude Code and runs it in a throw-away HOME."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PIN_DIR = REPO_ROOT / ".ci" / "claude-code"
BIN_ENV = "AGENTOPS_TEST_CLAUDE_BIN"  # the tests' claude; AGENTOPS_CLAUDE_BIN is the core's
CI_ENV = "AGENTOPS_CI"
# Plugin id of this repo's plugin in its own one-plugin marketplace.
PLUGIN_ID = "agentops-lite@agentops-lite"

_install_lock = threading.Lock()
# Read once at import: tests/conftest.py's autouse fixture points the variable at a missing file
# for every test so that core code never runs Claude Code by accident.
_BIN_OVERRIDE = os.environ.get(BIN_ENV)


class ClaudeUnavailable(RuntimeError):
    """The Claude Code binary cannot be found or installed here; the message says why."""


def pinned_version() -> str:
    data = json.loads((PIN_DIR / "package.json").read_text(encoding="utf-8"))
    return str(data["dependencies"]["@anthropic-ai/claude-code"])


def platform_package() -> str:
    """The npm package holding the native binary for this machine (npm picks it by os/cpu)."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if system not in ("linux", "darwin") or arch is None:
        raise ClaudeUnavailable(f"no pinned Claude Code build for {system}/{machine}")
    name = f"claude-code-{system}-{arch}"
    if system == "linux" and platform.libc_ver()[0] != "glibc":
        name += "-musl"
    return name


def installed_binary() -> Path:
    return PIN_DIR / "node_modules" / "@anthropic-ai" / platform_package() / "claude"


def _version_of(binary: Path) -> str:
    out = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return out.stdout.split(" ")[0].strip()


def find_claude(*, install: bool = True) -> Path:
    """The claude binary: $AGENTOPS_TEST_CLAUDE_BIN, else the pinned copy, installed with `npm ci`.

    The npm wrapper package's postinstall (which links bin/claude.exe) is skipped on purpose:
    the native binary in the platform package is what we run.
    """
    override = _BIN_OVERRIDE
    if override:
        path = Path(override)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ClaudeUnavailable(f"{BIN_ENV}={override} is not an executable file")
        return path
    binary = installed_binary()
    with _install_lock:
        if not binary.is_file() or _version_of(binary) != pinned_version():
            if not install:
                raise ClaudeUnavailable(f"{binary} is not installed")
            npm = shutil.which("npm")
            if npm is None:
                raise ClaudeUnavailable("npm is not on PATH: cannot install Claude Code")
            cmd = [npm, "ci", "--prefix", str(PIN_DIR), "--ignore-scripts", "--no-audit"]
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
            if done.returncode != 0 or not binary.is_file():
                tail = (done.stderr or done.stdout)[-2000:]
                raise ClaudeUnavailable(f"`{' '.join(cmd)}` failed ({done.returncode}): {tail}")
        found = _version_of(binary)
        if found != pinned_version():
            raise ClaudeUnavailable(f"{binary} reports {found!r}, expected {pinned_version()}")
    return binary


# Machine network setup (CA bundles, proxies, pip mirrors) that the launcher's pip needs.
_NETWORK_VARS = re.compile(
    r"(PIP_\w+|(HTTPS?|NO|ALL)_PROXY|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE"
    r"|NODE_EXTRA_CA_CERTS)",
    re.IGNORECASE,
)


def base_env(home: Path, path_dirs: Sequence[Path] = ()) -> dict[str, str]:
    """A minimal environment: nothing from the real user's HOME, config or credentials."""
    system_path = ["/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join([*map(str, path_dirs), *system_path]),
        "LANG": "C.UTF-8",
        "TMPDIR": str(home / "tmp"),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "CLAUDE_CODE_PLUGIN_PREFER_HTTPS": "1",
        "NO_COLOR": "1",
    }
    env.update({k: v for k, v in os.environ.items() if _NETWORK_VARS.fullmatch(k)})
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return env


@dataclass
class ClaudeRunner:
    """Runs the real `claude` with a throw-away HOME (so ~/.claude is fresh) and a clean env."""

    binary: Path
    home: Path
    path_dirs: list[Path] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def config_dir(self) -> Path:
        return self.home / ".claude"

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = base_env(self.home, self.path_dirs)
        env.update(self.extra_env)
        env.update(extra or {})
        return env

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 120,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.binary), *args],
            cwd=cwd or self.home,
            env=self.env(env),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"claude {' '.join(args)} exited {done.returncode}\n"
                f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
            )
        return done

    def prompt(
        self,
        prompt: str,
        base_url: str,
        *extra_args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 180,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """`claude -p PROMPT` against a (fake) Messages API at ``base_url``, with a fake key."""
        model_env = {
            "ANTHROPIC_BASE_URL": base_url,
            "ANTHROPIC_API_KEY": "sk-ant-fake-key-for-tests",
            **(env or {}),
        }
        return self.run(
            "-p", prompt, *extra_args, cwd=cwd, env=model_env, timeout=timeout, check=check
        )

    def install_marketplace_plugin(self, source: Path, plugin_id: str = PLUGIN_ID) -> None:
        self.run("plugin", "marketplace", "add", str(source))
        self.run("plugin", "install", plugin_id)

    def installed(self, plugin_id: str = PLUGIN_ID) -> dict[str, object]:
        listing = json.loads(self.run("plugin", "list", "--json").stdout)
        matches = [p for p in listing if p.get("id") == plugin_id]
        assert matches, f"{plugin_id} not in `claude plugin list --json`: {listing}"
        return dict(matches[0])


def copy_plugin_source(dest: Path) -> Path:
    """What a clone of this repo would hold (tracked + new, not ignored files), copied to ``dest``.

    A directory marketplace is copied wholesale into Claude Code's cache, so adding the working
    tree itself would also copy .venv and node_modules.
    """
    files: list[str]
    git = shutil.which("git")
    listed = None
    if git and (REPO_ROOT / ".git").exists():
        listed = subprocess.run(
            [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO_ROOT,
            capture_output=True,
            check=False,
        )
    if listed is not None and listed.returncode == 0:
        files = [f for f in listed.stdout.decode().split("\0") if f]
    else:
        skip = {".git", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
        files = [
            str(p.relative_to(REPO_ROOT))
            for p in REPO_ROOT.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(REPO_ROOT).parts)
        ]
    for rel in files:
        src = REPO_ROOT / rel
        if not src.is_file():  # deleted in the working tree
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    return dest
