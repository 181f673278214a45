"""Files the user asks for (`-o PATH`): written whole or not at all, with a one-line error."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from agentops_lite.errors import UsageError


def write_output(target: Path, payload: bytes) -> None:
    """Write `payload` to `target` atomically (a temp file beside it, then a rename).

    The folder must exist: creating folders from a mistyped path would hide the typo."""
    if target.is_dir():
        raise UsageError(f"{target} is a directory", hint="give a file path")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist", hint="create it first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
