"""``slmap query uncovered`` at a million villages: whole command, cold, wall time and peak RSS.

Used by ``bench/run.py`` (one row) and on its own:
``python bench/_scale.py [--villages 100000 1000000] [--reps 3]``.

The register of ``n`` villages is the bench's national synthetic register of 100,000
villages (``slmap.sample.registers``, 3,321 communes) repeated with a suffix on every village_id
(``00004-001~2``), so each commune holds ``n / 100,000`` times as many villages, about
45 % without coordinates as in the original. Every run is a new process with an empty
cache folder (cold): nothing a previous run wrote is reused.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "_out"

#: Goals for 1,000,000 villages (issue: CLI cold <= 10 s, peak <= 1.5 GB).
GOAL_WALL = 10.0
GOAL_RSS = 1.5e9
BASE = 100_000


def register(villages: int) -> Path:
    """The CSV register of ``villages`` villages in ``bench/_out`` (built once)."""
    path = OUT / f"national_{villages}.csv"
    if path.exists():
        return path
    base = OUT / "national_100k.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    if not base.exists():
        from slmap.sample.registers import generate_register

        generate_register("all", villages=BASE).to_csv(base, index=False)
    if villages == BASE:
        return base
    import pandas as pd

    frame = pd.read_csv(base, dtype=str, keep_default_na=False)
    copies = -(-villages // len(frame))
    parts = []
    for k in range(copies):
        part = frame.copy()
        if k:
            part["village_id"] = part["village_id"] + f"~{k + 1}"
        parts.append(part)
    big = pd.concat(parts, ignore_index=True).iloc[:villages]
    tmp = path.with_suffix(".tmp")
    big.to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def run_query(path: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one cold ``slmap query uncovered`` process."""
    cache = Path(tempfile.mkdtemp(prefix="slmap_cold_", dir=OUT))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONDONTWRITEBYTECODE="1")
    env.pop("SLMAP_DATA_DIR", None)
    env["SLMAP_CACHE_DIR"] = str(cache)
    argv = [sys.executable, "-m", "slmap", "query", "uncovered", "--province", "all"]
    argv += ["--register", str(path), "--format", "csv"]
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv)} failed:\n{err.decode()[-2000:]}")
    return wall, usage.ru_maxrss * 1024


def measure(villages: int, reps: int) -> tuple[float, float]:
    """Median wall seconds and median peak RSS (bytes) over ``reps`` cold runs."""
    path = register(villages)
    runs = [run_query(path) for _ in range(reps)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def million_row(rows: list, notes: list, reps: int) -> None:
    """Append the 1,000,000-village ``query uncovered`` row to the bench table."""
    wall, rss = measure(1_000_000, reps)
    ok = wall <= GOAL_WALL and rss <= GOAL_RSS
    rows.append(
        (
            "query uncovered, 1M villages (CLI, cold)",
            f"{wall:.1f} s, {rss / 1e6:,.0f} MB",
            "-",
            "-",
            f"<= {GOAL_WALL:g} s, <= {GOAL_RSS / 1e9:g} GB",
            "met" if ok else "miss",
        )
    )
    notes.append(f"1M villages: median of {reps} cold runs (new process, empty cache folder)")


def main(argv: list[str] | None = None) -> int:
    """Print the median wall time and peak RSS per register size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, nargs="+", default=[BASE, 1_000_000])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    for n in args.villages:
        wall, rss = measure(n, args.reps)
        print(f"query uncovered, {n:,} villages: {wall:.2f} s, peak {rss / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
