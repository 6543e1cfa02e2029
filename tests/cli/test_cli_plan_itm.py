"""``slmap plan --model itm`` takes the link budget of ``slmap predict``."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
from click.testing import CliRunner
from rasterio.transform import from_origin
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.cli import cli

UTM = "EPSG:32648"
X0, Y0, PIXEL = 500_000.0, 2_400_000.0, 30.0


def _ridge_dem(path):
    """Flat ground at 300 m with a 500 m ridge 6 km east of the candidate."""
    width, rows = int(40_000 / PIXEL), int(3_000 / PIXEL)
    z = np.full((rows, width), 300.0, dtype="float32")
    col = int((6_000 + 500) / PIXEL)
    z[:, col - 1 : col + 1] += 500.0
    write_geotiff(path, z, from_origin(X0 - 500, Y0 + 1_500, PIXEL, PIXEL), UTM)
    return path


def _points(xs):
    return gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=UTM).to_crs(4326)


def _plan(tmp_path, *extra: str) -> dict:
    dem = _ridge_dem(tmp_path / "ridge.tif")
    site = _points([0.0]).iloc[0]
    (tmp_path / "cands.csv").write_text(f"site_id,lon,lat,height_m\nS,{site.x},{site.y},30\n")
    (tmp_path / "sites.csv").write_text("site_id,lon,lat,height_m\nFAR,110,10,30\n")
    behind, front = _points([10_000, 3_000])
    (tmp_path / "v.csv").write_text(
        "village_id,village_name,commune_code,lon,lat,households,population,mobile_signal,fibre\n"
        f"b1,Bản Sau,03646,{behind.x},{behind.y},50,200,none,no\n"
        f"b2,Bản Trước,03646,{front.x},{front.y},60,250,none,no\n",
        "utf-8",
    )
    args = ["plan", "--model", "itm", "--dem", str(dem), "--sites", str(tmp_path / "sites.csv")]
    args += ["--candidates", str(tmp_path / "cands.csv"), "--register", str(tmp_path / "v.csv")]
    args += ["--out", str(tmp_path / "plan.csv"), "--format", "json", "--overwrite", *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plan_itm_threshold_changes_what_a_new_site_covers(tmp_path):
    default = _plan(tmp_path)
    assert default["households_newly_covered"] == 60  # the ridge hides b1
    low = _plan(tmp_path, "--threshold-dbm", "-160", "--frequency-mhz", "900")
    assert low["households_newly_covered"] == 110


def test_plan_itm_eirp_and_climate_are_accepted(tmp_path):
    result = _plan(tmp_path, "--eirp-dbm", "0", "--climate", "maritime-temperate-land")
    assert result["households_newly_covered"] < 60  # 0 dBm reaches nobody
