"""Load every corpus marketplace from local folders into a fresh catalog: wall time, peak RSS.

Usage: python benchmarks/load_corpus.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import CORPUS  # noqa: E402
from _timing import child_peak_rss_mb  # noqa: E402

_CODE = """
import json, time
from pathlib import Path
from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import add_source
corpus = Path({corpus!r})
start = time.perf_counter()
with Catalog.open(Path({db!r})) as cat:
    for folder in sorted(p for p in corpus.iterdir() if (p / "_meta.json").is_file()):
        meta = json.loads((folder / "_meta.json").read_text())
        add_source(cat, str(folder / meta["marketplace_path"]))
    marketplaces, plugins = cat.counts()
print(json.dumps({{"seconds": time.perf_counter() - start, "marketplaces": marketplaces,
                  "plugins": plugins}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    walls, rss = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            code = _CODE.format(corpus=str(CORPUS), db=str(Path(tmp) / "catalog.db"))
            peak, out = child_peak_rss_mb(code)
            result = json.loads(out)
            walls.append(result["seconds"])
            rss.append(peak)
    print(f"loaded {result['marketplaces']} marketplaces, {result['plugins']} plugin listings")
    print(
        f"wall time median {statistics.median(walls):.2f} s over {args.repeat} runs "
        f"(min {min(walls):.2f} s); peak RSS {max(rss):.0f} MB"
    )


if __name__ == "__main__":
    main()
