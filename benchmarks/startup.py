"""CLI start-up: median wall time of `agentops-lite --version` (and `--help`) vs `python -c pass`.

Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_wall, python_pass  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    exe = shutil.which("agentops-lite", path=str(Path(sys.executable).parent)) or "agentops-lite"
    base = python_pass(args.runs)
    version = median_wall([exe, "--version"], args.runs)
    help_ = median_wall([exe, "--help"], args.runs)
    print(f"python -c pass           median {base * 1000:7.1f} ms")
    print(f"agentops-lite --version  median {version * 1000:7.1f} ms  ratio {version / base:5.2f}x")
    print(f"agentops-lite --help     median {help_ * 1000:7.1f} ms  ratio {help_ / base:5.2f}x")


if __name__ == "__main__":
    main()
