"""With the `[semantic]` extra, discover on a fresh home opens no socket: nothing is downloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentops_lite.search.semantic import MODEL_ID

# Loaded by every interpreter started with this folder on PYTHONPATH: creating, connecting or
# resolving any socket is written down and then refused.
SITECUSTOMIZE = """
import os, socket

_LOG = os.environ["SOCKET_LOG"]


def _refuse(what):
    with open(_LOG, "a") as fh:
        fh.write(what + "\\n")
    raise OSError("network forbidden in this test: " + what)


class _Socket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse(f"socket{args!r}")


def _resolve(*args, **kwargs):
    _refuse(f"getaddrinfo{args!r}")


socket.socket = _Socket
socket.getaddrinfo = _resolve
socket.create_connection = lambda *a, **k: _refuse(f"create_connection{a!r}")
"""


def _env(tmp_path: Path) -> dict[str, str]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
    keep = {"PATH", "LANG", "LC_ALL", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        PYTHONPATH=str(hook),
        SOCKET_LOG=str(tmp_path / "sockets.log"),
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"),
        AGENTOPS_HOME=str(tmp_path / "agentops"),
        CLAUDE_CONFIG_DIR=str(tmp_path / "claude"),
        AGENTOPS_CLAUDE_BIN=str(tmp_path / "no-claude"),
        # Our own code would try GitHub for fresh data on a first run; offline, the only thing
        # that could still reach out is the model's code.
        AGENTOPS_OFFLINE="1",
        NO_COLOR="1",
    )
    (tmp_path / "home").mkdir()
    return env


@pytest.mark.slow
@pytest.mark.usefixtures("semantic")
def test_discover_with_the_model_opens_no_socket_on_a_fresh_home(tmp_path: Path) -> None:
    env = _env(tmp_path)
    log = Path(env["SOCKET_LOG"])
    # The hook works: a plain connection attempt is logged and refused.
    probe = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9))\n"
    probe += "except OSError:\n    pass"
    subprocess.run([sys.executable, "-c", probe], env=env, check=True)
    assert "create_connection" in log.read_text()
    log.unlink()

    exe = Path(sys.executable).with_name("agentops-lite")
    proc = subprocess.run(
        [str(exe), "discover", "look up library documentation while coding", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["semantic"] == MODEL_ID
    assert doc["results"] and doc["results"][0]["components"]["semantic"] is not None
    assert not log.exists(), log.read_text()
    # Nothing was cached in the fresh home either (no model hub folders).
    assert list((tmp_path / "home").iterdir()) == []
