"""Benchmark slmap's maps against a fair geopandas ``explore()`` baseline, in one run.

Usage: ``python bench/run.py [--reps 5] [--quick] [--son-la-only]``. Every figure is the
median of ``--reps`` repetitions measured in this run; slmap and the baseline are measured
interleaved (slmap, baseline, slmap, baseline ...). Output files go to ``bench/_out/`` only
(git-ignored). Real data: ``SLMAP_SHARED_GEODATA`` or ``../shared/geodata``. The baseline's
front-end files come from the npm registry (``npm pack``) into ``bench/_out/npm``.

Sơn La, against the fair baseline (``bench/_baseline.py``: reads the boundaries and the
register itself, joins, ``explore()``, inlines only the CDN files its page uses, checked in
Chromium on every run by ``bench/_offline.py``): HTML bytes raw and gzip -9, time to ready in
Chromium (``bench/_chromium.py``), and the whole command as a new process (``slmap map``
with an empty cache folder against ``python bench/_baseline.py``). National (3,321
approximate communes, 100,000 synthetic villages): ``slmap map`` wall time and peak memory
(``ru_maxrss`` of the child), render time from a loaded model, HTML bytes, time-to-ready,
and ``query uncovered`` (in-process on the loaded model, and the command's wall time).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "_out"
SHARED = Path(os.environ.get("SLMAP_SHARED_GEODATA", REPO.parent / "shared" / "geodata"))
sys.path[:0] = [str(REPO / "src"), str(HERE)]
sys.dont_write_bytecode = True  # nothing is written into the repo but bench/_out

import _warm  # noqa: E402  (bench/ is on sys.path from here on)

MB = 1_000_000

#: Goals against the fair baseline (ratios slmap / baseline, medians of one run).
GOAL_BYTES = 0.35  # Sơn La HTML bytes
GOAL_READY = 0.8  # Sơn La time to ready in Chromium
GOAL_BUILD = 0.8  # first `slmap map` (cold) against the baseline script, whole commands
#: Page loads per repetition for the time to ready.
READY_LOADS = 3


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


def _verdict(ratio: float, goal: float) -> str:
    return "met" if ratio <= goal else f"miss ({ratio:.2f}x > {goal}x)"


def _gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def _check_baseline(cache: Path, online: Path, page: Path, notes: list) -> None:
    """Stop unless the baseline inlines exactly the CDN files its page uses and draws,
    offline, what the page draws with every CDN file."""
    from _baseline import USED
    from _offline import check_assets, function, shown_offline

    check = check_assets(online, cache)
    refs = {PurePosixPath(url).name: r for url, r in check["refs"].items()}
    used = {name for name, r in refs.items() if r["used"]}
    if used != set(USED):
        why = "; ".join(f"{name}: {r['why']}" for name, r in refs.items())
        raise SystemExit(f"baseline USED {sorted(USED)} but the page uses {sorted(used)}: {why}")
    full, offline = function(check["full"]), function(shown_offline(page))
    if full != offline:
        raise SystemExit(f"offline baseline shows {offline}, with every CDN file {full}")
    notes.append(
        f"baseline inlines {', '.join(USED)}: offline it draws {full['drawn']} shapes with "
        f"{full['errors']} errors, as the page with every CDN file does"
    )
    for name, r in refs.items():
        if not r["used"]:
            cosmetic = f"; cosmetic only: {r['cosmetic']}" if r["cosmetic"] else ""
            named = ""
            if r["globals"]:
                named = f"; defines {', '.join(r['globals'][:4])}, the page names "
                named += ", ".join(r["referenced"]) or "none"
            notes.append(f"baseline drops {name}: {r['why']}{named}{cosmetic}")


def _register_2025(path: Path, env: dict[str, str]) -> Path:
    """The sample register keyed to the 75 communes of 2025, written once (untimed).

    The sample is keyed to the 2023 layout; a baseline script joining on codes needs
    the layout of its boundary file, so both sides read this converted register: the
    same villages, 2025 codes, and coordinates only where the sample has them.
    """
    if path.exists():
        return path
    code = (
        "import sys; from slmap.model import load_coverage; m = load_coverage(); "
        "v = m.villages.drop(columns='geometry'); "
        "v.loc[v.location_estimated, ['lon', 'lat']] = None; "
        "cols = ['village_id', 'village_name', 'commune_code', 'commune_name', "
        "'district_name', 'lon', 'lat', 'households', 'population', 'mobile_signal', "
        "'fibre', 'fibre_households', 'grid_power']; "
        "v[cols].to_csv(sys.argv[1], index=False, encoding='utf-8-sig')"
    )
    _child([sys.executable, "-c", code, str(path)], env)
    return path


def _built(cli: list[str], page: Path, env: dict[str, str]) -> Path:
    _child([*cli, str(page)], env)
    return page


def son_la(reps: int, rows: list, notes: list) -> None:
    from _chromium import ready_times

    cache, ours, base = OUT / "npm", OUT / "son_la_slmap.html", OUT / "son_la_baseline.html"
    env = _env(False)
    register = _register_2025(OUT / "son_la_villages_2025.csv", env)  # the same input for both
    ours_cli = [sys.executable, "-m", "slmap", "map", "--out", str(ours), "--overwrite"]
    ours_cli += ["--register", str(register)]
    base_cli = [sys.executable, str(HERE / "_baseline.py"), "--assets", str(cache)]
    base_cli += ["--boundaries", str(SHARED / "son_la" / "communes_75_2025.geojson")]
    base_cli += ["--register", str(register)]
    # untimed: fills the npm cache, builds the online and the all-assets pages, checks assets
    for variant in ("none", "all"):
        _child([*base_cli, str(OUT / f"son_la_baseline_{variant}.html"), "--inline", variant], env)
    _check_baseline(cache, OUT / "son_la_baseline_none.html", _built(base_cli, base, env), notes)
    _child(ours_cli, env)

    sizes: dict[str, list[int]] = {"ours": [], "base": [], "ours_gz": [], "base_gz": []}
    walls: dict[str, list[float]] = {"ours": [], "base": []}
    for _ in range(reps):  # interleaved: slmap, baseline, slmap, baseline ...
        with tempfile.TemporaryDirectory() as cold:  # a new, empty cache folder: a first run
            walls["ours"].append(_child(ours_cli, dict(env, SLMAP_CACHE_DIR=cold))[0])
        walls["base"].append(_child([*base_cli, str(base)], env)[0])
        for key, path in (("ours", ours), ("base", base)):
            sizes[key].append(path.stat().st_size)
            sizes[key + "_gz"].append(_gzip_size(path))
    # page loads are cheap and noisy: three times as many, interleaved too
    (r_ours, r_base), blocked = ready_times([ours, base], READY_LOADS * reps)
    if blocked:
        notes.append(f"blocked network requests: {blocked[:3]}")

    for name, key, goal in (("HTML bytes", "", GOAL_BYTES), ("HTML bytes, gzip -9", "_gz", None)):
        o, b = _med(sizes["ours" + key]), _med(sizes["base" + key])
        _row(rows, f"Sơn La {name}", f"{o:,.0f}", f"{b:,.0f}", o / b, goal)
    o, b = _med(r_ours), _med(r_base)
    _row(rows, "Sơn La time to ready (Chromium)", f"{o:.2f} s", f"{b:.2f} s", o / b, GOAL_READY)
    o, b = _med(walls["ours"]), _med(walls["base"])
    _row(rows, "Sơn La first `slmap map` (cold)", f"{o:.2f} s", f"{b:.2f} s", o / b, GOAL_BUILD)
    inflated = (OUT / "son_la_baseline_all.html").stat().st_size
    notes.append(
        f"the former, inflated baseline (every CDN file npm has, fonts as data: URIs) is "
        f"{inflated:,} B; slmap's page is {_med(sizes['ours']) / inflated:.2f}x of it"
    )


def _row(rows: list, name: str, ours: str, base: str, ratio: float | None, goal: float | None):
    verdict = "-" if goal is None or ratio is None else _verdict(ratio, goal)
    goal_text = "(report)" if goal is None else f"<= {goal}x"
    rows.append((name, ours, base, "-" if ratio is None else f"{ratio:.2f}x", goal_text, verdict))


def _abs_row(rows: list, name: str, ours: str, value: float, limit: float | None, unit: str):
    verdict = "-" if limit is None else ("met" if value <= limit else "miss")
    rows.append(
        (name, ours, "-", "-", "(report)" if limit is None else f"<= {limit:g}{unit}", verdict)
    )


def national(reps: int, rows: list, notes: list, quick: bool) -> None:
    from _chromium import time_to_ready
    from _scale import million_row

    from slmap.model import load_coverage
    from slmap.model.query import villages_without_broadband
    from slmap.page.render import render_html
    from slmap.sample.registers import generate_register

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
        "--no-cache",
    ]
    cli_reps = max(1, reps // 2) if quick else reps
    runs = [_child(cli, env) for _ in range(cli_reps)]
    wall, rss = _med([r[0] for r in runs]), _med([r[1] for r in runs])
    model = load_coverage(register=register, province="all")
    t_render = _med(_times(lambda: render_html(model), reps))
    t_query = _med(_times(lambda: villages_without_broadband(model), reps))
    ready, blocked, n = time_to_ready(page, reps, "window.slmapLayers.communes.getLayers().length")
    size, r = page.stat().st_size, _med(ready)
    notes.append(
        f"national: {len(model.communes):,} communes ({n:,} drawn), "
        f"{len(model.villages):,} villages; render from loaded model {t_render:.2f} s; "
        f"CLI reps {cli_reps}; blocked requests {len(blocked)}"
    )
    _abs_row(rows, "National HTML bytes", f"{size:,}", size / MB, 15, " MB")
    # the national goals (build with a cold cache, ready) are page_rows' (bench/_page_scale.py)
    _abs_row(rows, "National build, --no-cache (CLI wall)", f"{wall:.1f} s", wall, None, "")
    _abs_row(rows, "National peak memory", f"{rss / MB:,.0f} MB", rss, None, "")
    _abs_row(rows, "National time to ready, this page", f"{r:.2f} s", r, None, "")
    _abs_row(rows, "query uncovered, 100k (function)", f"{t_query:.3f} s", t_query, 1, " s")
    million_row(rows, notes, cli_reps)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    from _page_scale import page_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions (>= 5 for figures)")
    parser.add_argument("--quick", action="store_true", help="halve the slow national CLI runs")
    parser.add_argument("--son-la-only", action="store_true", help="skip the national runs")
    args = parser.parse_args(argv)
    if not (SHARED / "upstream").is_dir():
        raise SystemExit(f"real data not found at {SHARED} (set SLMAP_SHARED_GEODATA)")
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list = []
    notes: list = []
    start, load = time.perf_counter(), f"{os.getloadavg()[0]:.1f}"
    son_la(args.reps, rows, notes)
    if not args.son_la_only:
        national(args.reps, rows, notes, args.quick)
        page_rows(args.reps, rows, notes)  # the national goals and the page at 1M villages
    _warm.measure(args.reps, rows, notes, national=not args.son_la_only)
    head = ("measure", "slmap", "fair baseline", "ratio", "goal", "verdict")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    print(
        f"slmap bench: median of {args.reps} repetitions ({READY_LOADS * args.reps} page loads "
        f"for time to ready), {os.cpu_count()} CPUs, load average {load} at start, "
        f"{os.getloadavg()[0]:.1f} at end, {time.perf_counter() - start:.0f} s in all"
    )
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    for note in notes:
        print("note:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
