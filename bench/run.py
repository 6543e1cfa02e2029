"""Benchmark slmap's maps against the geopandas ``explore()`` baseline, in one run.

Usage: ``python bench/run.py [--reps 5] [--quick]``. Every figure is the median
of ``--reps`` repetitions measured in this run. Output files go to
``bench/_out/`` only (git-ignored). Real data: ``SLMAP_SHARED_GEODATA`` or
``../shared/geodata``. The baseline's CDN files come from the npm registry
(``npm pack``) into a temporary folder.

Sơn La: map building from a loaded model (slmap ``render_html`` + write,
against ``explore()`` + ``save()``; model load counted for neither), the full
command wall time (new Python process, model load counted for both: ``slmap
map`` against ``python bench/_baseline.py``), HTML bytes and Chromium
time-to-ready (see ``bench/_chromium.py``; the baseline with its assets
inlined). National (3,321 approximate communes, 100,000 synthetic villages):
``slmap map`` wall time and peak memory (``ru_maxrss`` of the child), render
time from a loaded model, HTML bytes, time-to-ready, and ``query uncovered``
(in-process on the loaded model, and the command's wall time).
"""

from __future__ import annotations

import argparse
import os
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
sys.path[:0] = [str(REPO / "src"), str(HERE)]
sys.dont_write_bytecode = True  # nothing is written into the repo but bench/_out

MB = 1_000_000


def _env(national: bool) -> dict[str, str]:
    paths = os.pathsep.join([str(REPO / "src"), str(HERE)])
    env = dict(os.environ, PYTHONPATH=paths, PYTHONDONTWRITEBYTECODE="1")
    if national:
        env.pop("SLMAP_DATA_DIR", None)
        env["SLMAP_CACHE_DIR"] = str(OUT / "empty_cache")
    else:
        env["SLMAP_DATA_DIR"] = str(SHARED / "upstream")
    return env


def _child(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes, from wait4's rusage) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err.decode()[-2000:]}")
    return wall, usage.ru_maxrss * 1024


def _times(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _med(values: list[float]) -> float:
    return statistics.median(values)


def _row(rows: list, name: str, goal: str, ok: bool | None, measured: str, base: str, miss=""):
    verdict = "n/a" if ok is None else ("met" if ok else f"MISSED by {miss}")
    rows.append((name, goal, measured, base, verdict))


def son_la(reps: int, rows: list, notes: list) -> None:
    from _baseline import build, inline_assets
    from _chromium import time_to_ready

    from slmap.cli.map import write_map
    from slmap.model import load_coverage
    from slmap.render import render_html

    os.environ.update(_env(False))
    model = load_coverage()
    ours, base = OUT / "son_la_slmap.html", OUT / "son_la_explore.html"
    build(model, base)  # warm-up: imports (matplotlib, mapclassify) are not counted
    write_map(render_html(model), ours, overwrite=True)
    t_ours = _times(lambda: write_map(render_html(model), ours, overwrite=True), reps)
    t_base = _times(lambda: build(model, base), reps)
    saved = base.stat().st_size
    page, missing = inline_assets(base.read_text(encoding="utf-8"), Path(tempfile.mkdtemp()))
    inlined = OUT / "son_la_explore_inlined.html"
    inlined.write_text(page, encoding="utf-8")
    notes.append("baseline references not resolvable from npm (dropped): " + ", ".join(missing))
    size, size_inl = ours.stat().st_size, inlined.stat().st_size
    env = _env(False)
    cli = [sys.executable, "-m", "slmap", "map", "--out", str(ours), "--overwrite"]
    w_ours = [_child(cli, env)[0] for _ in range(reps)]
    bcli = [sys.executable, str(HERE / "_baseline.py"), str(base)]
    w_base = [_child(bcli, env)[0] for _ in range(reps)]
    r_ours, blocked_ours, _ = time_to_ready(ours, reps)
    r_base, blocked_base, _ = time_to_ready(inlined, reps)
    if blocked_ours or blocked_base:
        notes.append(f"blocked requests: slmap {blocked_ours}, baseline {blocked_base[:3]}")
    ratio = size / size_inl
    _row(
        rows,
        "Sơn La HTML bytes",
        "<= 0.5x baseline inlined",
        ratio <= 0.5,
        f"{size:,} ({ratio:.2f}x)",
        f"{size_inl:,} inlined / {saved:,} saved",
        f"{ratio / 0.5 - 1:.0%}",
    )
    b, o = _med(t_base), _med(t_ours)
    _row(
        rows,
        "Sơn La build, loaded model",
        "<= 1.2x baseline",
        o <= 1.2 * b,
        f"{o:.2f} s ({o / b:.2f}x)",
        f"{b:.2f} s",
        f"{o / (1.2 * b) - 1:.0%}",
    )
    b, o = _med(w_base), _med(w_ours)
    _row(
        rows,
        "Sơn La CLI wall (load incl.)",
        "<= 1.2x baseline",
        o <= 1.2 * b,
        f"{o:.2f} s ({o / b:.2f}x)",
        f"{b:.2f} s",
        f"{o / (1.2 * b) - 1:.0%}",
    )
    b, o = _med(r_base), _med(r_ours)
    _row(
        rows,
        "Sơn La Chromium ready",
        "<= baseline",
        o <= b,
        f"{o:.2f} s",
        f"{b:.2f} s",
        f"{o / b - 1:.0%}",
    )


def national(reps: int, rows: list, notes: list, quick: bool) -> None:
    from _chromium import time_to_ready

    from slmap.model import load_coverage
    from slmap.query import villages_without_broadband
    from slmap.render import render_html
    from slmap.synthetic import generate_register

    register = OUT / "national_100k.csv"
    if not register.exists():
        generate_register("all", villages=100_000).to_csv(register, index=False)
    env = _env(True)
    os.environ.clear()
    os.environ.update(env)
    page = OUT / "vietnam_coverage.html"
    cli = [
        sys.executable,
        "-m",
        "slmap",
        "map",
        "--province",
        "all",
        "--register",
        str(register),
        "--out",
        str(page),
        "--overwrite",
    ]
    cli_reps = max(1, reps // 2) if quick else reps
    runs = [_child(cli, env) for _ in range(cli_reps)]
    wall, rss = _med([r[0] for r in runs]), _med([r[1] for r in runs])
    model = load_coverage(register=register, province="all")
    t_render = _med(_times(lambda: render_html(model), reps))
    t_query = _med(_times(lambda: villages_without_broadband(model), reps))
    qcli = [
        sys.executable,
        "-m",
        "slmap",
        "query",
        "uncovered",
        "--province",
        "all",
        "--register",
        str(register),
        "--format",
        "csv",
    ]
    q_wall = _med([_child(qcli, env)[0] for _ in range(cli_reps)])
    ready, blocked, n = time_to_ready(page, reps, "window.slmapLayers.communes.getLayers().length")
    size, r = page.stat().st_size, _med(ready)
    notes.append(
        f"national: {len(model.communes):,} communes ({n:,} drawn), "
        f"{len(model.villages):,} villages; render from loaded model {t_render:.2f} s; "
        f"CLI reps {cli_reps}; blocked requests {len(blocked)}"
    )
    _row(
        rows,
        "National HTML bytes",
        "<= 15 MB",
        size <= 15 * MB,
        f"{size:,}",
        "-",
        f"{size / (15 * MB) - 1:.0%}",
    )
    _row(
        rows,
        "National build (CLI wall)",
        "<= 60 s",
        wall <= 60,
        f"{wall:.1f} s",
        "-",
        f"{wall / 60 - 1:.0%}",
    )
    _row(rows, "National peak memory", "(report)", None, f"{rss / MB:,.0f} MB", "-")
    _row(rows, "National Chromium ready", "<= 5 s", r <= 5, f"{r:.2f} s", "-", f"{r / 5 - 1:.0%}")
    _row(
        rows,
        "query uncovered, 100k (fn)",
        "<= 1 s",
        t_query <= 1,
        f"{t_query:.3f} s",
        "-",
        f"{t_query - 1:.2f} s",
    )
    _row(rows, "query uncovered, 100k (CLI)", "(report)", None, f"{q_wall:.1f} s", "-")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions (>= 5 for figures)")
    parser.add_argument("--quick", action="store_true", help="halve the slow national CLI runs")
    args = parser.parse_args(argv)
    if not (SHARED / "upstream").is_dir():
        raise SystemExit(f"real data not found at {SHARED} (set SLMAP_SHARED_GEODATA)")
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list = []
    notes: list = []
    start = time.perf_counter()
    son_la(args.reps, rows, notes)
    national(args.reps, rows, notes, args.quick)
    head = ("measure", "goal", "measured (median)", "baseline (median)", "verdict")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(5)]
    print(
        f"slmap bench: median of {args.reps} repetitions, {os.cpu_count()} CPUs, "
        f"{time.perf_counter() - start:.0f} s in all"
    )
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    for note in notes:
        print("note:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
