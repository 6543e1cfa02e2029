"""Hostile terrain for ``slmap predict``: DEMs that are huge on paper, or that miss villages.

Every file is generated in code: a GeoTIFF whose header declares
280,000 × 210,000 pixels but that holds no tile (sparse, under 1 MB on
disk), the same as a VRT without sources (under 1 kB), and a DEM covering
only one of the corpus communes. A DEM window larger than the documented
limit is refused with one line naming the file, the window and the limit
before anything is read; villages the DEM does not reach are ``no_terrain``,
never "predicted not covered".
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from click.testing import CliRunner
from rasterio.transform import from_origin

from _dem import write_geotiff
from slmap.base.errors import InputError
from slmap.cli import cli
from slmap.sources.dem import MAX_DEM_BYTES, read_dem

from ._build import CODES, centres

HUGE = (280_000, 210_000)  # columns, rows: 219 GiB of float32
HUGE_PIXEL = 1e-5  # degrees (≈ 1 m): the header covers 102-104.8 E, 19.9-22 N
SON_LA = (103.0, 20.6, 104.5, 22.0)
MESSAGE = (
    r"280,000 × 210,000 pixels.*235,200,000,000 bytes = 219\.0 GiB.*"
    r"limit of 2,147,483,648 bytes = 2\.0 GiB"
)


def _huge_tif(path: Path) -> Path:
    with rasterio.open(
        path, "w", driver="GTiff", width=HUGE[0], height=HUGE[1], count=1, dtype="float32",
        crs="EPSG:4326", transform=from_origin(102.0, 22.0, HUGE_PIXEL, HUGE_PIXEL),
        tiled=True, blockxsize=1024, blockysize=1024, sparse_ok=True, nodata=-9999,
    ):  # fmt: skip
        pass
    return path


def _huge_vrt(path: Path, west: float = 102.0) -> Path:
    path.write_text(
        f'<VRTDataset rasterXSize="{HUGE[0]}" rasterYSize="{HUGE[1]}">'
        "<SRS>EPSG:4326</SRS>"
        f"<GeoTransform>{west}, {HUGE_PIXEL}, 0, 22.0, 0, -{HUGE_PIXEL}</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"><NoDataValue>-9999</NoDataValue>'
        "</VRTRasterBand></VRTDataset>",
        "utf-8",
    )
    return path


@pytest.mark.parametrize("kind", ["sparse GeoTIFF", "VRT"])
def test_huge_header_is_refused_before_reading(tmp_path, kind):
    path = _huge_vrt(tmp_path / "huge.vrt") if kind == "VRT" else _huge_tif(tmp_path / "huge.tif")
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputError, match=MESSAGE) as err:
        read_dem(path)
    assert str(path) in str(err.value)
    # the window the villages need (Sơn La, ≈ 150,000 × 140,000 pixels here) is refused too
    with pytest.raises(InputError, match=r"pixels.*GiB.*limit of .* 2\.0 GiB"):
        read_dem(path, SON_LA)


def test_huge_mosaic_is_refused_before_merging(tmp_path):
    tiles = [_huge_vrt(tmp_path / "a.vrt"), _huge_vrt(tmp_path / "b.vrt", west=102.5)]
    with pytest.raises(InputError, match=r"a\.vrt.*b\.vrt.*pixels.*limit of .* 2\.0 GiB"):
        read_dem(tiles, SON_LA)


def test_small_window_of_a_huge_dem_is_read(tmp_path):
    """Only the window needed is read: a village's neighbourhood of the 219 GiB header."""
    dem = read_dem(_huge_vrt(tmp_path / "huge.vrt"), (103.0, 21.0, 103.01, 21.01))
    assert dem.heights.shape == (1000, 1000)
    assert dem.heights.nbytes <= MAX_DEM_BYTES and np.isnan(dem.heights).all()


def test_huge_dem_refused_without_allocating(tmp_path):
    """In a process limited to 1 GiB of address space beyond its start: an InputError, not a
    MemoryError or a crash (the check comes before any allocation)."""
    path = _huge_tif(tmp_path / "huge.tif")
    code = (
        "import resource, sys\n"
        "from slmap.sources.dem import read_dem\n"
        "from slmap.base.errors import InputError\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
        "used = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()\n"
        "resource.setrlimit(resource.RLIMIT_AS, (used + 2**30, hard))\n"
        "try:\n"
        f"    read_dem({str(path)!r})\n"
        "except InputError as exc:\n"
        "    print('refused:', exc)\n"
    )
    assert resource.RLIMIT_AS  # Linux
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused:" in done.stdout and "219.0 GiB" in done.stdout


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    c = centres(CODES)
    rows = ["village_id,village_name,commune_code,lon,lat,households,population,"
            "mobile_signal,fibre"]  # fmt: skip
    for i, (code, lon, lat) in enumerate(zip(c.index, c.lon, c.lat, strict=True)):
        rows.append(f"B{i},Bản {i},{code},{lon},{lat},50,200,4g,no")
    register = tmp_path / "villages.csv"
    register.write_text("\n".join(rows) + "\n", "utf-8")
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "site_id,lon,lat,height_m\n"
        + "".join(
            f"S{i},{lon + 0.01},{lat},30\n"
            for i, (lon, lat) in enumerate(zip(c.lon, c.lat, strict=True))
        ),
        "utf-8",
    )
    return register, sites


def _predict(tmp_path, corpus_boundaries, dem: Path, *extra: str):
    register, sites = _inputs(tmp_path)
    args = ["predict", "--boundaries", str(corpus_boundaries), "--register", str(register),
            "--sites", str(sites), "--model", "los", "--dem", str(dem),
            "--out", str(tmp_path / "p.csv"), *extra]  # fmt: skip
    return CliRunner().invoke(cli, args)


def test_cli_huge_dem_one_line_exit_1(tmp_path, corpus_boundaries):
    res = _predict(tmp_path, corpus_boundaries, _huge_vrt(tmp_path / "huge.vrt"))
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.stderr.splitlines() if "huge.vrt" in line]
    assert len(errors) == 1 and "GiB" in errors[0] and "limit" in errors[0]
    assert not (tmp_path / "p.csv").exists()


def test_cli_partial_dem_reports_no_terrain(tmp_path, corpus_boundaries):
    """A DEM over the first commune only: the others are no_terrain, none predicted not covered."""
    c = centres(CODES)
    lon, lat = float(c.lon.iloc[0]), float(c.lat.iloc[0])
    z = np.full((200, 200), 700.0, "float32")
    dem = write_geotiff(
        tmp_path / "part.tif", z, from_origin(lon - 0.02, lat + 0.02, 0.0002, 0.0002), "EPSG:4326"
    )
    others = (np.hypot(c.lon - lon, c.lat - lat) > 0.05).sum()
    assert others >= 1
    res = _predict(tmp_path, corpus_boundaries, dem, "--format", "json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["no_terrain"] == others
    assert summary["reported_covered_predicted_none"] == 0
    assert summary["predicted_not_covered"] == 0
    table = pd.read_csv(tmp_path / "p.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    unknown = table[table["agreement"] == "no_terrain"]
    assert len(unknown) == others and (unknown["predicted_mbb"] == "").all()


def test_cli_dem_all_nodata_over_the_villages(tmp_path, corpus_boundaries):
    """A DEM of nodata over every village: all no_terrain, exit 0, none 'not covered'."""
    c = centres(CODES)
    west, north = float(c.lon.min()) - 0.1, float(c.lat.max()) + 0.1
    rows = int((north - float(c.lat.min()) + 0.1) / 0.001) + 1
    cols = int((float(c.lon.max()) + 0.1 - west) / 0.001) + 1
    z = np.full((rows, cols), -9999.0, "float32")
    dem = write_geotiff(
        tmp_path / "void.tif", z, from_origin(west, north, 0.001, 0.001), "EPSG:4326"
    )
    res = _predict(tmp_path, corpus_boundaries, dem, "--format", "json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["no_terrain"] == summary["villages"] == len(CODES)
    assert summary["predicted_not_covered"] == summary["reported_covered_predicted_none"] == 0
