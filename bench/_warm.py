"""Bench rows of the model cache: commands that start from a cached model.

Called by ``bench/run.py`` (or alone: ``python bench/_warm.py [--reps 5] [--son-la-only]``).
Every figure is the median wall time of whole new processes, measured interleaved:

- Sơn La (the pinned real boundaries, the sample register): ``slmap stats`` and ``slmap
  query uncovered`` with the cache warm, against ``python -c "import geopandas, folium"``
  (goal ≤ 2×), and ``slmap stats --no-cache`` (what every run cost before the cache).
- 100,000 synthetic villages on 3,321 approximate communes (``bench/_out/national_100k.csv``,
  made as ``bench/run.py`` makes it): ``slmap query uncovered --province all`` warm (goal
  ≤ 1.5 s), cold with an empty cache folder (goal ≤ 4 s; the run also writes the cache),
  with ``--no-cache``, and with a register one byte different from the cached one (the model
  is rebuilt, the approximate communes come from the cache).
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
SHARED = Path(os.environ.get("SLMAP_SHARED_GEODATA", REPO.parent / "shared" / "geodata"))

GOAL_WARM_RATIO = 2.0  # Sơn La stats / query, warm, against importing geopandas and folium
GOAL_100K_WARM = 1.5  # seconds
GOAL_100K_COLD = 4.0  # seconds


def _wall(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one child process (it must succeed)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()[-2000:]}")
    return wall


def _env(cache: Path, data_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONDONTWRITEBYTECODE="1")
    env["SLMAP_CACHE_DIR"] = str(cache)
    env.pop("SLMAP_DATA_DIR", None)
    if data_dir is not None:
        env["SLMAP_DATA_DIR"] = str(data_dir)
    return env


def _ratio_row(rows: list, name: str, ours: float, base: float, goal: float | None) -> None:
    ratio = ours / base
    verdict = "-"
    if goal is not None:
        verdict = "met" if ratio <= goal else f"miss ({ratio:.2f}x > {goal}x)"
    goal_text = "(report)" if goal is None else f"<= {goal}x"
    rows.append((name, f"{ours:.2f} s", f"{base:.2f} s", f"{ratio:.2f}x", goal_text, verdict))


def _abs_row(rows: list, name: str, value: float, limit: float | None) -> None:
    verdict = "-" if limit is None else ("met" if value <= limit else "miss")
    goal = "(report)" if limit is None else f"<= {limit:g} s"
    rows.append((name, f"{value:.2f} s", "-", "-", goal, verdict))


def son_la_warm(reps: int, rows: list, notes: list) -> None:
    """Sơn La commands from a warm cache against importing geopandas and folium."""
    slmap = [sys.executable, "-m", "slmap"]
    times: dict[str, list[float]] = {"base": [], "stats": [], "query": [], "nocache": []}
    with tempfile.TemporaryDirectory() as folder:
        env = _env(Path(folder), SHARED / "upstream")
        _wall([*slmap, "stats"], env)  # untimed: fills the cache
        for _ in range(reps):  # interleaved
            times["base"].append(_wall([sys.executable, "-c", "import geopandas, folium"], env))
            times["stats"].append(_wall([*slmap, "stats"], env))
            times["query"].append(_wall([*slmap, "query", "uncovered", "--format", "csv"], env))
            times["nocache"].append(_wall([*slmap, "stats", "--no-cache"], env))
    med = {k: statistics.median(v) for k, v in times.items()}
    base = med["base"]
    _ratio_row(rows, "Sơn La `slmap stats`, cache warm", med["stats"], base, GOAL_WARM_RATIO)
    _ratio_row(rows, "Sơn La `query uncovered`, cache warm", med["query"], base, GOAL_WARM_RATIO)
    _ratio_row(rows, "Sơn La `slmap stats --no-cache`", med["nocache"], base, None)
    notes.append(
        'cache rows: the baseline column is `python -c "import geopandas, folium"` '
        f"({base:.2f} s), measured interleaved with the commands"
    )


def _national_register() -> Path:
    register = OUT / "national_100k.csv"
    if not register.exists():
        sys.path.insert(0, str(REPO / "src"))
        from slmap.sample.registers import generate_register

        OUT.mkdir(parents=True, exist_ok=True)
        generate_register("all", villages=100_000).to_csv(register, index=False)
    return register


def national_warm(reps: int, rows: list, notes: list) -> None:
    """``query uncovered`` on 100,000 villages: warm, cold, no cache, changed register."""
    register = _national_register()
    changed = OUT / "national_100k_changed.csv"
    changed.write_bytes(register.read_bytes().replace(b"\n", b"\r\n", 1))  # same rows
    query = [sys.executable, "-m", "slmap", "query", "uncovered", "--province", "all"]
    query += ["--format", "csv", "--register"]
    times: dict[str, list[float]] = {"warm": [], "cold": [], "nocache": [], "changed": []}
    with tempfile.TemporaryDirectory() as folder:
        warm = Path(folder) / "warm"
        env = _env(warm, None)
        _wall([*query, str(register)], env)  # untimed: fills the cache
        for _ in range(reps):  # interleaved
            times["warm"].append(_wall([*query, str(register)], env))
            cold = Path(folder) / "cold"
            times["cold"].append(_wall([*query, str(register)], _env(cold, None)))
            shutil.rmtree(cold)
            nocache = [*query, str(register), "--no-cache"]
            times["nocache"].append(_wall(nocache, env))
            shutil.rmtree(warm / "models", ignore_errors=True)  # the approximations stay
            times["changed"].append(_wall([*query, str(changed)], env))
            _wall([*query, str(register)], env)  # untimed: warm again
    med = {k: statistics.median(v) for k, v in times.items()}
    _abs_row(rows, "`query uncovered`, 100k, cache warm", med["warm"], GOAL_100K_WARM)
    _abs_row(rows, "`query uncovered`, 100k, cold (empty cache)", med["cold"], GOAL_100K_COLD)
    _abs_row(rows, "`query uncovered`, 100k, --no-cache", med["nocache"], None)
    _abs_row(rows, "`query uncovered`, 100k, new register, approx cached", med["changed"], None)
    notes.append(
        "100k cache rows: cold starts from an empty cache folder and writes it; --no-cache "
        "is what every run cost before the cache"
    )


def measure(reps: int, rows: list, notes: list, national: bool = True) -> None:
    """Add the cache rows to ``rows`` (the table of ``bench/run.py``)."""
    son_la_warm(reps, rows, notes)
    if national:
        national_warm(reps, rows, notes)


def main(argv: list[str] | None = None) -> int:
    """Print the cache rows alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--son-la-only", action="store_true")
    args = parser.parse_args(argv)
    rows: list = []
    notes: list = []
    load = f"{os.getloadavg()[0]:.1f}"
    measure(args.reps, rows, notes, national=not args.son_la_only)
    print(f"median of {args.reps}, load average {load} at start, {os.getloadavg()[0]:.1f} at end")
    head = ("measure", "slmap", "baseline", "ratio", "goal", "verdict")
    for row in [head, *rows]:
        print(" | ".join(str(c) for c in row))
    for note in notes:
        print("note:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
