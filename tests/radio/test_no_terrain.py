"""Missing terrain is an answer: villages without terrain are unknown, never "not covered".

A DEM that covers only part of the villages, a nodata hole on a path, or a
profile mostly on nodata makes the prediction unknown (``predicted_mbb`` NA,
``agreement`` = ``no_terrain``), counted apart in the summary and empty in
every export; in the coverage raster nodata is its own value and blocks
nothing.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from rasterio.transform import from_origin
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.cli import cli
from slmap.radio.predict import predict_coverage, summarize
from slmap.radio.raster import NODATA, los_raster
from slmap.sources.dem import read_dem

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_400_000.0
PIXEL = 30.0
BOUNDS = (100, 20, 108, 23)


def _write(path, width_m=20_000, hole=None, nodata_from=None):
    """Flat DEM east of the site, ``hole`` = (x0, x1) metres of nodata columns,
    ``nodata_from`` = metres from which every column is nodata."""
    cols, rows = int(width_m / PIXEL), int(3_000 / PIXEL)
    z = np.full((rows, cols), 100.0, dtype="float32")
    for lo, hi in [hole] if hole else []:
        z[:, int((lo + 500) / PIXEL) : int((hi + 500) / PIXEL)] = -9999.0
    if nodata_from is not None:
        z[:, int((nodata_from + 500) / PIXEL) :] = -9999.0
    return write_geotiff(path, z, from_origin(X0 - 500, Y0 + 1_500, PIXEL, PIXEL), UTM)


def _points(xs):
    return gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=UTM).to_crs(4326).values


def _villages(xs, reported=True):
    return gpd.GeoDataFrame(
        {"village_id": [f"v{i}" for i in range(len(xs))], "mobile_broadband": reported},
        geometry=_points(xs),
        crs=4326,
    )


def _sites():
    return gpd.GeoDataFrame(
        {"site_id": ["S"], "height_m": [30.0], "technology": ["4g"]},
        geometry=_points([0.0]),
        crs=4326,
    )


@pytest.mark.parametrize("model", ["los", "itm"])
def test_villages_beyond_the_dem_are_no_terrain_not_uncovered(tmp_path, model):
    # the DEM reaches 9.5 km east of the site; villages at 3 and 6 km are on it
    dem = read_dem(_write(tmp_path / "part.tif", width_m=10_000), BOUNDS)
    out = predict_coverage(_villages([3_000, 6_000, 12_000, 30_000]), _sites(), model, dem=dem)
    assert out["predicted_mbb"].tolist()[:2] == [True, True]
    assert out["predicted_mbb"].isna().tolist() == [False, False, True, True]
    assert out["agreement"].tolist() == ["agree", "agree", "no_terrain", "no_terrain"]
    summary = summarize(out, model=model)
    assert summary["no_terrain"] == 2
    assert summary["reported_covered_predicted_none"] == 0
    assert summary["predicted_not_covered"] == 0


def test_village_on_a_nodata_cell_is_no_terrain(tmp_path):
    dem = read_dem(_write(tmp_path / "hole.tif", hole=(5_900, 6_100)), BOUNDS)
    out = predict_coverage(_villages([6_000], reported=[None]), _sites(), "los", dem=dem)
    assert out["predicted_mbb"].isna().all()
    assert out["agreement"].tolist() == ["no_terrain"]  # even when the register is silent


def test_los_path_across_a_hole_is_unknown_unless_known_terrain_blocks(tmp_path):
    dem_path = _write(tmp_path / "hole.tif", hole=(2_000, 2_300))
    out = predict_coverage(_villages([1_000, 4_000]), _sites(), "los", dem=read_dem(dem_path))
    assert out["predicted_mbb"].tolist()[0] is True  # the path before the hole is known
    assert out["agreement"].tolist() == ["agree", "no_terrain"]
    # a ridge beyond the hole blocks whatever the hole holds: predicted not covered
    with __import__("rasterio").open(dem_path) as ds:
        z, transform = ds.read(1), ds.transform
    z[:, int((3_000 + 500) / PIXEL)] = 900.0
    ridge = read_dem(write_geotiff(tmp_path / "ridge.tif", z, transform, UTM))
    out = predict_coverage(_villages([4_000]), _sites(), "los", dem=ridge)
    assert out["predicted_mbb"].tolist() == [False]
    assert out["agreement"].tolist() == ["reported_covered_predicted_none"]


def test_itm_profile_mostly_on_nodata_is_unknown_short_gap_is_bridged(tmp_path):
    short = read_dem(_write(tmp_path / "short.tif", hole=(2_000, 2_060)), BOUNDS)
    wide = read_dem(_write(tmp_path / "wide.tif", hole=(1_000, 3_000)), BOUNDS)
    villages = _villages([4_000])
    assert predict_coverage(villages, _sites(), "itm", dem=short)["predicted_mbb"].tolist() == [
        True
    ]
    out = predict_coverage(villages, _sites(), "itm", dem=wide)
    assert out["predicted_mbb"].isna().all()
    assert out["agreement"].tolist() == ["no_terrain"]


def test_village_with_terrain_and_no_site_in_range_is_not_covered(tmp_path):
    dem = read_dem(_write(tmp_path / "flat.tif", width_m=20_000), BOUNDS)
    out = predict_coverage(_villages([15_000]), _sites(), "los", dem=dem, max_range_km=5.0)
    assert out["predicted_mbb"].tolist() == [False]


def _register(tmp_path, xs):
    lines = ["village_id,village_name,commune_code,lon,lat,households,population,"
             "mobile_signal,fibre"]  # fmt: skip
    for i, p in enumerate(_points(xs)):
        lines.append(f"v{i},Bản {i},03646,{p.x},{p.y},50,200,4g,no")
    path = tmp_path / "villages.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def partial_run(tmp_path_factory):
    """``slmap predict --model los`` with a DEM covering two of four villages, every format."""
    tmp = tmp_path_factory.mktemp("partial")
    dem = _write(tmp / "part.tif", width_m=10_000)
    sites = tmp / "sites.csv"
    site = _points([0.0])[0]
    sites.write_text(f"site_id,lon,lat,height_m\nS,{site.x},{site.y},30\n", "utf-8")
    register = _register(tmp, [3_000, 6_000, 12_000, 30_000])
    results = {}
    for suffix in (".csv", ".geojson", ".gpkg", ".xlsx"):
        out = tmp / f"p{suffix}"
        args = ["predict", "--sites", str(sites), "--model", "los", "--dem", str(dem),
                "--register", str(register), "--out", str(out)]  # fmt: skip
        res = CliRunner().invoke(cli, [*args, "--format", "json"])
        assert res.exit_code == 0, res.output
        results[suffix] = (out, json.loads(res.stdout.strip().splitlines()[-1]))
    text = CliRunner().invoke(cli, [*args[:-1], str(tmp / "t.csv")])
    return results, text.stdout


def test_cli_summary_counts_no_terrain_apart(partial_run):
    results, text = partial_run
    summary = results[".csv"][1]
    assert summary["no_terrain"] == 2
    assert summary["predicted_covered"] == 2
    assert summary["reported_covered_predicted_none"] == 0
    assert "(prediction unknown): 2" in text


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg", ".xlsx"])
def test_exports_leave_unknown_predictions_empty(partial_run, suffix):
    out = partial_run[0][suffix][0]
    if suffix == ".csv":
        table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    elif suffix == ".xlsx":
        table = pd.read_excel(out, sheet_name="prediction", dtype=str).fillna("")
    else:
        table = gpd.read_file(out)
    table = table.set_index("village_id")
    empty = table["predicted_mbb"].map(lambda v: v is None or v == "" or pd.isna(v))
    assert empty.tolist() == [False, False, True, True]
    assert table["agreement"].tolist()[2:] == ["no_terrain", "no_terrain"]
    # GDAL's readers give a boolean column with nulls back as 1.0 / NaN
    assert set(table["predicted_mbb"].astype(str).str.lower()[:2]) <= {"true", "1", "1.0"}


def test_raster_nodata_is_its_own_value_and_blocks_nothing(tmp_path):
    # a hole 2.0-2.3 km east of the site; the flat ground beyond it stays visible
    dem = read_dem(_write(tmp_path / "hole.tif", hole=(2_000, 2_300)))
    raster = los_raster(dem, _sites(), max_range_km=5.0)
    inv = ~raster.transform
    row = int((inv * (X0, Y0))[1])
    col = [int((inv * (X0 + x, Y0))[0]) for x in (1_000, 2_150, 4_000)]
    assert raster.counts[row, col].tolist() == [1, NODATA, 1]
    assert (raster.counts[raster.counts != NODATA] <= 1).all()


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg", ".xlsx"])
def test_prediction_files_with_no_terrain_read_back_for_the_map(partial_run, suffix):
    from slmap.sources.predictions import read_prediction

    frame = read_prediction(partial_run[0][suffix][0]).frame.set_index("village_id")
    assert frame["predicted_mbb"].isna().tolist() == [False, False, True, True]


def test_empty_prediction_without_no_terrain_is_still_refused(tmp_path):
    from slmap.base.errors import InputError
    from slmap.sources.predictions import read_prediction

    path = tmp_path / "p.csv"
    path.write_text("village_id,predicted_mbb,agreement\nV1,,agree\nV2,,no_terrain\n", "utf-8")
    with pytest.raises(InputError) as err:
        read_prediction(path)
    assert [p.row for p in err.value.problems] == [2]


def test_plan_serves_villages_whose_prediction_is_unknown():
    from slmap.radio.plan import choose_sites

    villages = _villages([12_000, 13_000], reported=False)
    villages["households"], villages["population"] = [10, 20], [40, 80]
    predicted = pd.Series(pd.array([None, True], dtype="boolean"), index=villages.index)
    candidates = _sites().assign(site_id="N1").set_geometry(_points([12_500]))
    result = choose_sites(villages, predicted, candidates, new_sites=1)
    assert result.totals["households_without_after"] == 0
    assert result.chosen["site_id"].tolist() == ["N1"]


def test_map_draws_a_prediction_with_no_terrain_villages(partial_run, tmp_path):
    """The map reads the file back: unknown villages are in neither disagreement layer."""
    from types import SimpleNamespace

    from slmap.page.disagree import disagreements
    from slmap.sources.predictions import read_prediction

    out = partial_run[0][".csv"][0]
    villages = gpd.read_file(out.with_name("p.geojson"))[["village_id", "village_name", "geometry"]]
    villages["mobile_broadband"] = True
    villages["households"] = 50
    inputs = SimpleNamespace(warnings=[], keep_going=False)
    layers = disagreements(villages, read_prediction(out), inputs)
    assert layers["predicted"] == 2
    assert not inputs.warnings  # the file's no_terrain agrees with the map's reading
    drawn = [v for k, v in layers.items() if k not in ("model", "predicted")]
    assert sum(len(points["s"]) for points in drawn) == 0


def test_raster_around_a_site_on_nodata_is_unknown_not_uncovered(tmp_path):
    # the site stands in a hole: it has no antenna height, nothing it would cover is known
    dem = read_dem(_write(tmp_path / "hole.tif", hole=(-300, 300)))
    raster = los_raster(dem, _sites(), max_range_km=3.0)
    inv = ~raster.transform
    row = int((inv * (X0, Y0))[1])
    col = [int((inv * (X0 + x, Y0))[0]) for x in (1_000, 2_500, 5_000)]
    assert raster.counts[row, col].tolist() == [NODATA, NODATA, 0]  # 5 km: beyond its range
    assert not (raster.counts == 1).any()


def test_not_covered_only_when_every_site_in_range_was_judged(tmp_path):
    """One site blocked by known terrain, another whose path crosses a hole: unknown, not False."""
    z = np.full((100, int(20_000 / PIXEL)), 100.0, "float32")
    z[:, int((2_500 + 500) / PIXEL)] = 900.0  # a ridge between the west site and the village
    z[:, int((6_000 + 500) / PIXEL) : int((6_300 + 500) / PIXEL)] = -9999.0  # a hole to the east
    path = write_geotiff(tmp_path / "mixed.tif", z, from_origin(X0 - 500, Y0 + 1_500, 30, 30), UTM)
    sites = gpd.GeoDataFrame(
        {"site_id": ["W", "E"], "height_m": [30.0, 30.0], "technology": ["4g", "4g"]},
        geometry=_points([0.0, 9_000.0]),
        crs=4326,
    )
    out = predict_coverage(_villages([4_000]), sites, "los", dem=read_dem(path))
    assert out["predicted_mbb"].isna().tolist() == [True]
    assert out["agreement"].tolist() == ["no_terrain"]
    judged = predict_coverage(_villages([4_000]), sites.iloc[[0]], "los", dem=read_dem(path))
    assert judged["predicted_mbb"].tolist() == [False]  # the west site alone: judged, blocked
