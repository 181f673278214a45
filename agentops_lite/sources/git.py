"""Git source: a shallow clone (with a timeout) into a temporary folder, loaded like a local one."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from agentops_lite.errors import SourceError
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.local import load_local
from agentops_lite.sources.url import redact

CLONE_TIMEOUT = 120.0


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never stop to ask for a password, and never let a repo's config run programs.
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "GCM_INTERACTIVE": "never"})
    return env


async def _run(args: list[str], cwd: Path | None, timeout: float) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_git_env(),
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except BaseException:  # timed out, or cancelled by the refresh deadline: no orphan git
        if proc.returncode is None:
            proc.kill()
            await asyncio.shield(proc.wait())
        raise
    text = (out if proc.returncode == 0 else err).decode("utf-8", "replace")
    return proc.returncode or 0, text


async def load_git(spec: SourceSpec, *, timeout: float = CLONE_TIMEOUT) -> LoadResult:
    git = shutil.which("git")
    shown = redact(spec.location)
    if git is None:
        raise SourceError(
            f"cannot load {shown}: git is not installed",
            hint="install git, or add the marketplace as owner/repo or a marketplace.json URL",
        )
    with tempfile.TemporaryDirectory(prefix="agentops-git-") as tmp:
        dest = Path(tmp) / "repo"
        args = [git, "-c", "core.hooksPath=/dev/null", "clone", "--depth", "1", "--quiet"]
        args += ["--no-recurse-submodules", "--single-branch"]
        if spec.ref:
            args += ["--branch", spec.ref]
        args += ["--", spec.location, str(dest)]
        try:
            code, text = await _run(args, None, timeout)
        except asyncio.TimeoutError:
            raise SourceError(f"git clone of {shown} timed out after {timeout:.0f}s") from None
        if code != 0:
            reason = text.strip().splitlines()[-1] if text.strip() else f"exit code {code}"
            raise SourceError(f"git clone of {shown} failed: {redact(reason)[:300]}")
        try:
            code, head = await _run([git, "rev-parse", "HEAD"], dest, 30.0)
        except asyncio.TimeoutError:
            code, head = 1, ""
        result = await asyncio.to_thread(load_local, dest)
        return result.model_copy(
            update={
                "spec_kind": "git",
                "location": spec.location,
                "commit": head.strip() if code == 0 else result.commit,
            }
        )
