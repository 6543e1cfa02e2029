"""Quality and speed of the approximate offline commune boundaries (slmap.admin.approx).

Compares each method of :func:`slmap.admin.approx.approximate_communes` for Sơn La
(province 14, 2025 layout) with the real 75-commune polygons, times the
national build (3,321 communes), and compares the approximate 2023 layout
(:func:`slmap.admin.approx_2023.older_layout_communes`: the pinned 75 communes, or
the registry's approximate ones, split among their 204 former units) with
the GADM 4.1 polygons of the 2023 layout. The real polygons are read from the
shared geodata folder at run time only; nothing of them is stored.

Usage::

    python bench/approx_quality.py [--geodata ../shared/geodata] [--reps 5]

Registry warnings (communes without a stated area) are logged on stderr.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

from slmap.admin.approx import APPROX_METHODS, approximate_communes, iou_by_commune
from slmap.admin.approx_2023 import METRIC_CRS, older_layout_communes
from slmap.sources import read_boundaries

DEFAULT_GEODATA = Path(
    os.environ.get(
        "SLMAP_SHARED_GEODATA", Path(__file__).resolve().parents[2] / "shared" / "geodata"
    )
)


def timed(reps: int, *args: object, **kwargs: object) -> tuple[float, gpd.GeoDataFrame]:
    """Median wall time in seconds over ``reps`` builds, and the last result."""
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        result = approximate_communes(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def iou_summary(approx: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> str:
    """Median, 10th percentile, share >= 0.5 and area-weighted mean of the IoU.

    The area-weighted mean weights each commune's IoU by its reference area.
    """
    iou = iou_by_commune(approx, reference)
    area = reference.to_crs(METRIC_CRS).set_index(reference["ma_xa"].astype(str)).area
    weight = area.reindex(iou.index).to_numpy()
    values = iou.to_numpy()
    return (
        f"{len(values)} matched: median {np.median(values):.3f}, "
        f"p10 {np.percentile(values, 10):.3f}, share >= 0.5 {np.mean(values >= 0.5):.1%}, "
        f"area-weighted {np.average(values, weights=weight):.3f}"
    )


def approx_2023(geodata: Path) -> None:
    """Print the IoU of the approximate 2023 layout against GADM (204 communes)."""
    gadm = geodata / "son_la" / "communes_204_gadm41.geojson"
    wards = geodata / "upstream" / "vietnam-3d-map_wards_14.json"
    if not gadm.exists() or not wards.exists():
        print(f"approximate 2023 layout: skipped ({gadm} or {wards} not found)")
        return
    reference = gpd.read_file(gadm)
    print("Sơn La, approximate 2023 layout vs GADM 4.1 (204 communes): IoU")
    sources = (
        ("pinned 75 communes split", read_boundaries(wards).communes),
        ("registry communes split", approximate_communes("14")),
    )
    for label, communes in sources:
        start = time.perf_counter()
        split, _ = older_layout_communes(communes, "2023")
        seconds = time.perf_counter() - start
        shared = int((split["centre"] == "shared").sum())
        print(
            f"  {label} ({seconds:.1f} s, {shared} sharing a cell): {iou_summary(split, reference)}"
        )


def main() -> None:
    """Print IoU median / 10th percentile per method and build times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geodata", type=Path, default=DEFAULT_GEODATA)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    real = gpd.read_file(args.geodata / "son_la" / "communes_75_2025.geojson")
    approximate_communes("14")  # warm the registry caches
    print("Sơn La, 2025 layout: IoU of approximate vs real communes (75)")
    print(f"{'method':<11} {'median':>7} {'p10':>7} {'min':>7} {'build s':>8}")
    for method in APPROX_METHODS:
        seconds, approx = timed(args.reps, "14", method=method)
        iou = iou_by_commune(approx, real).to_numpy()
        print(
            f"{method:<11} {np.median(iou):7.3f} {np.percentile(iou, 10):7.3f} "
            f"{iou.min():7.3f} {seconds:8.2f}"
        )
    approx_2023(args.geodata)
    gadm = args.geodata / "son_la" / "communes_204_gadm41.geojson"
    if gadm.exists():
        seconds, approx = timed(1, "14", layout="legacy")
        iou = iou_by_commune(approx, gpd.read_file(gadm)).to_numpy()
        print(
            f"legacy layout vs GADM ({len(iou)} matched codes): median {np.median(iou):.3f}, "
            f"p10 {np.percentile(iou, 10):.3f}"
        )
    for layout, label in (("2025", "3,321 communes"), ("legacy", "10,035 communes")):
        reps = args.reps if layout == "2025" else 1
        seconds, national = timed(reps, "all", layout=layout)
        print(
            f"national build, {layout} layout ({label}, median of {reps}): {seconds:.2f} s, "
            f"{len(national)} cells"
        )


if __name__ == "__main__":
    main()
