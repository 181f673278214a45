"""Files the user asks for (`-o PATH`): written whole or not at all, with a one-line error."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from agentops_lite.errors import AgentOpsError, UsageError

# The path's fault (exit 2); anything else (a full disk, an I/O error) is the machine's (exit 4).
_PATH_ERRORS = {
    errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EISDIR,
    errno.ENAMETOOLONG, errno.ELOOP,
}  # fmt: skip


def write_output(target: Path, payload: bytes) -> None:
    """Write `payload` to `target` atomically (a temp file beside it, then a rename).

    The folder must exist: creating folders from a mistyped path would hide the typo. A symlink
    is written through (its target is replaced), and the file keeps its mode, else gets the
    mode a plain write would give (0666 less the umask)."""
    if target.is_symlink():
        try:
            target = target.resolve(strict=False)
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise UsageError(f"cannot follow the symlink {target}: {exc}") from None
    if target.is_dir():
        raise UsageError(f"{target} is a directory", hint="give a file path")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist", hint="create it first")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        # A short prefix: a valid name near the 255-byte limit must not overflow as a temp name.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _error(f"cannot write in {folder}", exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _error(f"cannot write {target}", exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)  # the only way to read it; set straight back
    os.umask(current)
    return current


def _error(what: str, exc: OSError) -> AgentOpsError:
    message = f"{what}: {exc.strerror or exc}"
    return UsageError(message) if exc.errno in _PATH_ERRORS else AgentOpsError(message)
