"""Benchmark predicted coverage and planning against the goals of the prediction feature.

Usage: ``python bench/predict_plan.py [--reps 3]``. Rows (medians over ``--reps``):

(a) per-village ``los`` for 200 broadband sites × the sample's villages with coordinates,
    over a synthetic DEM the size of Sơn La at 30 m — goal <= 10 s;
(b) the province ``los`` coverage raster from the same 200 sites at 30 m, in a child process
    (wall time and its peak RSS from ``os.wait4``) — goals <= 120 s and <= 2 GB;
(c) ``plan`` for 123 villages × 3,000 candidates, 15 new sites, coverage matrix included,
    with the ``distance`` model and with ``los`` over the same DEM — goal <= 10 s.

The DEM is procedural (sums of sines at 60, 25, 9 and 3.5 km plus a 1 km ripple, heights
100-2,900 m) in UTM 48N, written once to ``bench/_out/`` (git-ignored). The 200 sites are the
broadband sites of ``geodata/sample/son_la_sites_synthetic.csv`` (177) plus 23 generated with
a fixed seed inside their extent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "_out"
SAMPLE = ROOT / "geodata" / "sample"
DEM_PATH = OUT / "son_la_synthetic_dem_30m.tif"
RASTER_PATH = OUT / "son_la_coverage_los_30m.tif"

GOAL_VILLAGE_LOS_S = 10.0
GOAL_RASTER_S = 120.0
GOAL_RASTER_PEAK_GB = 2.0
GOAL_PLAN_S = 10.0
SITES = 200
PLAN_VILLAGES, PLAN_CANDIDATES, PLAN_NEW_SITES = 123, 3_000, 15
#: Synthetic DEM extent (lon/lat) covering Sơn La, and its pixel.
BOUNDS = (103.0, 20.55, 105.2, 22.05)
PIXEL_M = 30.0


def build_dem() -> Path:
    """Write the procedural DEM once (row blocks, bounded memory)."""
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    if DEM_PATH.exists():
        return DEM_PATH
    OUT.mkdir(parents=True, exist_ok=True)
    fwd = Transformer.from_crs(4326, 32648, always_xy=True)
    xs, ys = fwd.transform(
        [BOUNDS[0], BOUNDS[2], BOUNDS[0], BOUNDS[2]], [BOUNDS[1]] * 2 + [BOUNDS[3]] * 2
    )
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    width, height = int((east - west) / PIXEL_M), int((north - south) / PIXEL_M)
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32648",
        "transform": from_origin(west, north, PIXEL_M, PIXEL_M),
        "nodata": -9999.0,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
    }
    tmp = DEM_PATH.with_suffix(".part.tif")
    x = np.arange(width) * PIXEL_M
    with rasterio.open(tmp, "w", **profile) as ds:
        for top in range(0, height, 512):
            rows = min(512, height - top)
            y = (top + np.arange(rows))[:, None] * PIXEL_M
            z = _relief(x[None, :], y)
            ds.write(z.astype("float32")[None], window=((top, top + rows), (0, width)))
    os.replace(tmp, DEM_PATH)
    return DEM_PATH


def _relief(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    terms = (
        (60_000.0, 1.0, 0.3),
        (25_000.0, 0.55, 1.1),
        (9_000.0, 0.3, 2.3),
        (3_500.0, 0.15, 0.7),
        (1_000.0, 0.04, 1.9),
    )
    z = np.zeros(np.broadcast_shapes(x.shape, y.shape))
    for wavelength, amp, phase in terms:
        k = 2 * np.pi / wavelength
        z = z + amp * np.sin(k * x + phase) * np.cos(k * 0.8 * y - phase)
    total = sum(t[1] for t in terms)
    return 100.0 + 2_800.0 * (z + total) / (2 * total)


def load_sites():
    """200 broadband sites: the sample's plus deterministic extras inside their extent."""
    import geopandas as gpd
    import pandas as pd

    table = pd.read_csv(SAMPLE / "son_la_sites_synthetic.csv", encoding="utf-8-sig")
    table = table[table["technology"].fillna("4g").isin(["3g", "4g", "5g"])]
    rng = np.random.default_rng(13)
    extra = SITES - len(table)
    if extra > 0:
        add = pd.DataFrame(
            {
                "site_id": [f"BENCH-{i:03d}" for i in range(extra)],
                "lon": rng.uniform(table["lon"].min(), table["lon"].max(), extra),
                "lat": rng.uniform(table["lat"].min(), table["lat"].max(), extra),
                "height_m": rng.uniform(20, 45, extra).round(),
                "technology": "4g",
            }
        )
        table = pd.concat([table, add], ignore_index=True)
    table = table.head(SITES)
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)


def load_villages():
    """The sample's villages with coordinates (2022-12-31), reported broadband or not."""
    import geopandas as gpd
    import pandas as pd

    reg = pd.read_csv(SAMPLE / "son_la_villages_2022-12-31.csv", encoding="utf-8-sig")
    reg = reg.dropna(subset=["lon", "lat"]).reset_index(drop=True)
    reg["mobile_broadband"] = reg["mobile_signal"].isin(["3g", "4g", "5g"])
    return gpd.GeoDataFrame(reg, geometry=gpd.points_from_xy(reg.lon, reg.lat), crs=4326)


def _timed(func, reps: int) -> tuple[float, object]:
    """Median wall time; the CPU time of the process is printed beside it (shared machines)."""
    times, cpu, result = [], [], None
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"    wall {statistics.median(times):.2f} s, CPU {statistics.median(cpu):.2f} s")
    return statistics.median(times), result


def village_los(reps: int) -> list[tuple]:
    from slmap.radio.predict import predict_coverage
    from slmap.sources.dem import read_dem

    villages, sites = load_villages(), load_sites()
    start = time.perf_counter()
    dem = read_dem(DEM_PATH, (BOUNDS[0], BOUNDS[1], BOUNDS[2], BOUNDS[3]))
    read_s = time.perf_counter() - start
    seconds, out = _timed(lambda: predict_coverage(villages, sites, "los", dem=dem), reps)
    label = f"(a) per-village los, {len(sites)} sites x {len(villages)} villages"
    rows = [(label, seconds, GOAL_VILLAGE_LOS_S, "s")]
    print(f"    DEM read (not timed in the row): {read_s:.1f} s; covered {out.predicted_mbb.sum()}")
    return rows


def raster_child() -> None:
    """Child process of row (b): read the DEM, compute the raster, write it."""
    from slmap.radio.raster import los_raster, write_raster
    from slmap.sources.dem import read_dem

    dem = read_dem(DEM_PATH)  # as slmap predict reads it: float64
    raster = los_raster(dem, load_sites())
    write_raster(raster, RASTER_PATH, overwrite=True)
    print(f"covered share {raster.covered_share():.3f}, {raster.counts.shape} pixels")


def province_raster(reps: int) -> list[tuple]:
    walls, peaks = [], []
    for _ in range(reps):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, "--child-raster"])
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        walls.append(time.perf_counter() - start)
        cpu = usage.ru_utime + usage.ru_stime
        print(f"    raster child: wall {walls[-1]:.1f} s, CPU {cpu:.1f} s")
        peaks.append(usage.ru_maxrss / 1024 / 1024)  # KiB -> GiB
        if proc.returncode != 0:
            raise SystemExit(f"raster child failed with exit code {proc.returncode}")
    label = f"(b) province los raster, {SITES} sites, {PIXEL_M:.0f} m"
    return [
        (label + " — wall", statistics.median(walls), GOAL_RASTER_S, "s"),
        (label + " — peak RSS", statistics.median(peaks), GOAL_RASTER_PEAK_GB, "GB"),
    ]


def plan_rows(reps: int) -> list[tuple]:
    import geopandas as gpd
    import pandas as pd

    from slmap.radio.plan import choose_sites
    from slmap.sources.dem import read_dem

    # the sample has fewer uncovered villages with coordinates than 123: the first 123
    # villages with coordinates are all taken as reported without mobile broadband
    villages = load_villages().head(PLAN_VILLAGES).reset_index(drop=True)
    villages["mobile_broadband"] = False
    predicted = pd.Series(False, index=villages.index)
    rng = np.random.default_rng(7)
    w, s, e, n = villages.total_bounds
    cand = gpd.GeoDataFrame(
        {"site_id": [f"C{i:04d}" for i in range(PLAN_CANDIDATES)], "height_m": 30.0},
        geometry=gpd.points_from_xy(
            rng.uniform(w - 0.05, e + 0.05, PLAN_CANDIDATES),
            rng.uniform(s - 0.05, n + 0.05, PLAN_CANDIDATES),
        ),
        crs=4326,
    )
    dem = read_dem(DEM_PATH, (w - 0.4, s - 0.4, e + 0.4, n + 0.4))
    rows = []
    for model in ("distance", "los"):
        seconds, result = _timed(
            lambda m=model: choose_sites(
                villages, predicted, cand, model=m, dem=dem, new_sites=PLAN_NEW_SITES
            ),
            reps,
        )
        label = (
            f"(c) plan {model}, {len(villages)} villages x {PLAN_CANDIDATES} candidates, "
            f"{PLAN_NEW_SITES} new sites"
        )
        rows.append((label, seconds, GOAL_PLAN_S, "s"))
        print(f"    {model}: {len(result.chosen)} sites chosen")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", choices=["a", "b", "c"], action="append")
    parser.add_argument("--child-raster", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_raster:
        raster_child()
        return
    start = time.perf_counter()
    build_dem()
    print(f"synthetic DEM: {DEM_PATH} ({time.perf_counter() - start:.1f} s, cached after)")
    only = set(args.only or "abc")
    rows = []
    if "a" in only:
        rows += village_los(args.reps)
    if "c" in only:
        rows += plan_rows(args.reps)
    if "b" in only:
        rows += province_raster(args.reps)
    print(f"\nmedians of {args.reps} repetitions, {os.cpu_count()} CPUs")
    for label, value, goal, unit in rows:
        verdict = "met" if value <= goal else "MISSED"
        print(f"{label}: {value:.2f} {unit} (goal <= {goal:g} {unit}) {verdict}")


if __name__ == "__main__":
    main()
