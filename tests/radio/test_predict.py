"""Sites input, the distance and line-of-sight models, and ``slmap predict``.

The terrain tests build DEM GeoTIFFs in tmp_path whose answers are known
analytically (radio horizon on flat ground, a ridge across the path).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from rasterio.transform import from_origin
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.base.errors import InputError
from slmap.cli import cli
from slmap.radio.predict import K_FACTOR, coverage_pairs, predict_coverage
from slmap.sources.dem import read_dem
from slmap.sources.sites import read_sites

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_400_000.0  # UTM 48N, inside Sơn La's zone
PIXEL = 30.0


def _dem(path, ridge_at_m=None, height=0.0, crs=UTM):
    """Flat DEM 40 km east-west x 3 km, optional 500 m ridge 60 m wide at x = X0 + ridge_at_m."""
    width, rows = int(40_000 / PIXEL), int(3_000 / PIXEL)
    z = np.full((rows, width), height, dtype="float32")
    if ridge_at_m is not None:
        col = int(ridge_at_m / PIXEL)
        z[:, col - 1 : col + 1] += 500.0
    transform = from_origin(X0 - 500, Y0 + 1_500, PIXEL, PIXEL)
    write_geotiff(path, z, transform, UTM)
    if crs != UTM:
        from rasterio.warp import Resampling, calculate_default_transform, reproject

        out = path.with_name(path.stem + "_lonlat.tif")
        with rasterio.open(path) as src:
            t, w, h = calculate_default_transform(
                src.crs, crs, src.width, src.height, *src.bounds, resolution=(0.0002, 0.0002)
            )
            meta = src.meta | {"crs": crs, "transform": t, "width": w, "height": h}
            with rasterio.open(out, "w", **meta) as dst:
                reproject(
                    rasterio.band(src, 1), rasterio.band(dst, 1), resampling=Resampling.nearest
                )
        return out
    return path


def _points(xs, crs=UTM):
    return gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=crs).to_crs(4326)


def _sites(height=30.0):
    return gpd.GeoDataFrame(
        {"site_id": ["S"], "height_m": [height], "technology": ["4g"]},
        geometry=_points([0.0]).values,
        crs=4326,
    )


def _villages(xs, reported=None):
    reported = reported if reported is not None else [False] * len(xs)
    return gpd.GeoDataFrame(
        {"village_id": [f"v{i}" for i in range(len(xs))], "mobile_broadband": reported},
        geometry=_points(xs).values,
        crs=4326,
    )


def _los(dem_path, xs, height=30.0):
    villages = _villages(xs)
    dem = read_dem(dem_path, (100, 20, 108, 23))
    return predict_coverage(villages, _sites(height), "los", dem=dem)["predicted_mbb"].tolist()


def test_radio_horizon_on_flat_ground(tmp_path):
    horizon = 3.57 * (math.sqrt(K_FACTOR * 30) + math.sqrt(K_FACTOR * 1.5))
    assert 27.4 < horizon < 27.8
    assert _los(_dem(tmp_path / "flat.tif"), [25_000, 30_000]) == [True, False]


def test_ridge_blocks_and_its_removal_unblocks(tmp_path):
    ridge = _dem(tmp_path / "ridge.tif", ridge_at_m=6_000)
    # village behind the ridge hidden; one on the same side as the site seen
    assert _los(ridge, [10_000, 3_000]) == [False, True]
    assert _los(_dem(tmp_path / "flat.tif"), [10_000, 3_000]) == [True, True]


def test_same_answers_in_utm_and_lonlat(tmp_path):
    xs = [3_000, 10_000, 25_000, 30_000]
    utm = _dem(tmp_path / "r.tif", ridge_at_m=6_000)
    lonlat = _dem(tmp_path / "r2.tif", ridge_at_m=6_000, crs="EPSG:4326")
    with rasterio.open(lonlat) as ds:
        assert ds.crs.is_geographic
    assert _los(utm, xs) == _los(lonlat, xs) == [True, False, False, False]


def test_distance_model_radius_and_technology():
    villages = _villages([4_000, 6_000], reported=[False, True])
    sites = gpd.GeoDataFrame(
        {"site_id": ["A", "B"], "height_m": [30.0, 30.0], "technology": ["4g", "2g"]},
        geometry=_points([0.0, 5_500]).values,
        crs=4326,
    )
    out = predict_coverage(villages, sites, "distance")
    assert out["predicted_mbb"].tolist() == [True, False]  # the 2G site is not broadband
    assert out["best_site_id"].tolist() == ["A", ""]
    assert out["agreement"].tolist() == [
        "reported_none_predicted_covered",
        "reported_covered_predicted_none",
    ]
    assert out["distance_km"].tolist() == pytest.approx([4.0, 6.0], abs=0.01)


def test_los_without_dem_is_an_input_error():
    with pytest.raises(InputError, match="--dem"):
        coverage_pairs(_villages([1]), _sites(), "los")


def test_sites_vietnamese_headers_and_one_line_per_bad_cell(tmp_path):
    p = tmp_path / "tram.csv"
    p.write_text(
        "Mã trạm,Kinh độ,Vĩ độ,Độ cao anten,Công nghệ\n"
        "S1,103.9,21.3,30,LTE\nS1,200,21.3,-3,6g\nS3,103.8,21.2,25,\n",
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        read_sites(p)
    lines = err.value.lines()
    assert len(lines) == 4
    assert any("row 3, column 'lon'" in x and "'200'" in x for x in lines)
    assert any("row 3, column 'technology'" in x and "'6g'" in x for x in lines)
    kept = read_sites(p, keep_going=True)
    assert kept.sites["site_id"].tolist() == ["S1", "S3"]
    assert kept.sites["technology"].tolist() == ["4g", "4g"]  # LTE, and empty counts as 4G
    assert kept.rejects["row"].tolist() == [3]


def test_sites_from_geopackage(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"Mã trạm": ["G1"], "Độ cao anten": [40]},
        geometry=gpd.GeoSeries([Point(X0, Y0)], crs=UTM).values,
        crs=UTM,
    )
    p = tmp_path / "sites.gpkg"
    gdf.to_file(p)
    sites = read_sites(p).sites
    assert sites["site_id"].tolist() == ["G1"]
    assert sites.geometry.x.iloc[0] == pytest.approx(_points([0.0]).x.iloc[0], abs=1e-7)


def test_cli_los_ridge(tmp_path):
    """End to end: the village behind the ridge is not covered, one on the site's side is."""
    dem = _dem(tmp_path / "ridge.tif", ridge_at_m=6_000)
    sites = tmp_path / "sites.csv"
    pt = _points([0.0]).iloc[0]
    sites.write_text(f"site_id,lon,lat,height_m\nS,{pt.x},{pt.y},30\n", "utf-8")
    behind, front = _points([10_000, 3_000])
    register = tmp_path / "villages.csv"
    register.write_text(
        "village_id,village_name,commune_code,lon,lat,households,population,mobile_signal,fibre\n"
        f"b1,Bản Sau,03646,{behind.x},{behind.y},50,200,none,no\n"
        f"b2,Bản Trước,03646,{front.x},{front.y},60,250,none,no\n",
        "utf-8",
    )
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(
        cli,
        [
            "predict",
            "--sites",
            str(sites),
            "--model",
            "los",
            "--dem",
            str(dem),
            "--register",
            str(register),
            "--out",
            str(out),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    import json

    import pandas as pd

    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["predicted_covered"] == 1
    table = pd.read_csv(out, encoding="utf-8-sig").set_index("village_id")
    assert table.loc["b1", "predicted_mbb"] == False  # noqa: E712
    assert table.loc["b2", "predicted_mbb"] == True  # noqa: E712


def test_cli_los_without_dem_exits_1(tmp_path):
    res = CliRunner().invoke(
        cli, ["predict", "--sites", "x.csv", "--model", "los", "--out", str(tmp_path / "p.csv")]
    )
    assert res.exit_code == 1
    assert "--dem" in res.output and "fetch-dem" in res.output
    assert "Traceback" not in res.output
