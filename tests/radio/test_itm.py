"""The ``itm`` (Longley-Rice) model: analytic checks, the link budget and ``slmap predict``.

Every DEM is synthetic, written in tmp_path; the answers checked are those
physics gives: free-space loss on short clear paths, more loss further away
and behind a ridge, coverage flipping with the threshold.
"""

from __future__ import annotations

import itertools
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from rasterio.transform import from_origin
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.base.errors import InputError
from slmap.cli import cli
from slmap.radio.itm import ItmSettings, fspl_db, path_loss
from slmap.radio.predict import predict_coverage
from slmap.sources.dem import read_dem

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_400_000.0
PIXEL = 30.0
BOUNDS = (100.0, 20.0, 108.0, 23.0)


def _dem(path, ridge_at_m=None):
    width, rows = int(40_000 / PIXEL), int(3_000 / PIXEL)
    z = np.full((rows, width), 300.0, dtype="float32")
    if ridge_at_m is not None:
        col = int((ridge_at_m + 500) / PIXEL)
        z[:, col - 1 : col + 1] += 500.0
    write_geotiff(path, z, from_origin(X0 - 500, Y0 + 1_500, PIXEL, PIXEL), UTM)
    return path


def _points(xs):
    return gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=UTM).to_crs(4326)


def _villages(xs):
    return gpd.GeoDataFrame(
        {"village_id": [f"v{i}" for i in range(len(xs))], "mobile_broadband": False},
        geometry=_points(xs).values,
        crs=4326,
    )


def _sites(xs, **columns):
    data = {"site_id": [f"S{i}" for i in range(len(xs))], "height_m": 30.0, "technology": "4g"}
    return gpd.GeoDataFrame(data | columns, geometry=_points(xs).values, crs=4326)


@pytest.mark.parametrize("km", [1.0, 2.0, 3.0])
def test_short_clear_path_is_free_space(km):
    n = int(km * 1000 / PIXEL)
    loss, code = path_loss(np.zeros(n + 1), km * 1000 / n, 1800.0, 30.0)
    assert code == 0
    assert loss == pytest.approx(float(fspl_db(km * 1000, 1800.0)), abs=3.0)


def test_more_distance_more_loss_and_beyond_free_space():
    losses = []
    for km in (2, 5, 10, 20, 30):
        n = int(km * 1000 / PIXEL)
        losses.append(path_loss(np.zeros(n + 1), km * 1000 / n, 1800.0, 30.0)[0])
    assert all(b > a for a, b in itertools.pairwise(losses))
    # past the radio horizon (~27.6 km) diffraction adds tens of dB to free space
    assert losses[-1] > float(fspl_db(30_000, 1800.0)) + 20


def test_a_ridge_adds_loss_and_frequency_matters():
    flat = np.zeros(334)
    ridge = flat.copy()
    ridge[200:203] = 500.0
    clear, _ = path_loss(flat, 30.0, 1800.0, 30.0)
    blocked, _ = path_loss(ridge, 30.0, 1800.0, 30.0)
    assert blocked > clear + 30
    assert path_loss(flat, 30.0, 900.0, 30.0)[0] < clear


def test_threshold_flips_coverage(tmp_path):
    dem = read_dem(_dem(tmp_path / "flat.tif"), BOUNDS)
    villages, sites = _villages([10_000]), _sites([0.0])
    base = predict_coverage(villages, sites, "itm", dem=dem)
    loss = base["path_loss_db"].iloc[0]
    received = 60.0 - loss - 3.0  # default EIRP and body loss
    assert base["margin_db"].iloc[0] == pytest.approx(received + 82.0, abs=0.11)
    for threshold, covered in ((received - 1, True), (received + 1, False)):
        itm = ItmSettings(threshold_dbm=threshold)
        out = predict_coverage(villages, sites, "itm", dem=dem, itm=itm)
        assert out["predicted_mbb"].tolist() == [covered]
        assert out["best_site_id"].tolist() == (["S0"] if covered else [""])
        assert out["margin_db"].iloc[0] == pytest.approx(received - threshold, abs=0.11)


def test_best_site_is_the_highest_margin_not_the_nearest(tmp_path):
    dem = read_dem(_dem(tmp_path / "flat.tif"), BOUNDS)
    sites = _sites([4_000.0, 0.0], eirp_dbm=[30.0, 65.0])  # weak near, strong far
    out = predict_coverage(_villages([5_000]), sites, "itm", dem=dem)
    assert out["best_site_id"].tolist() == ["S1"]
    assert out["distance_km"].iloc[0] == pytest.approx(5.0, abs=0.01)


def test_site_frequency_wins_over_the_default(tmp_path):
    dem = read_dem(_dem(tmp_path / "ridge.tif", ridge_at_m=6_000), BOUNDS)
    villages = _villages([10_000])
    own = _sites([0.0], frequency_mhz=[900.0])
    forced = predict_coverage(villages, own, "itm", dem=dem, itm=ItmSettings(frequency_mhz=3700))
    at_900 = predict_coverage(
        villages, _sites([0.0]), "itm", dem=dem, itm=ItmSettings(frequency_mhz=900)
    )
    default = predict_coverage(villages, _sites([0.0]), "itm", dem=dem)
    assert forced["path_loss_db"].iloc[0] == at_900["path_loss_db"].iloc[0]
    # diffraction over the ridge grows with frequency: 1800 MHz loses more than 900
    assert default["path_loss_db"].iloc[0] > forced["path_loss_db"].iloc[0] + 3


def test_village_off_the_dem_has_no_terrain_not_uncovered(tmp_path):
    dem = read_dem(_dem(tmp_path / "flat.tif"), BOUNDS)
    out = predict_coverage(_villages([5_000, 2_000]), _sites([0.0]), "itm", dem=dem)
    off = predict_coverage(
        gpd.GeoDataFrame(
            {"village_id": ["far"], "mobile_broadband": False},
            geometry=gpd.GeoSeries([Point(X0 + 5_000, Y0 + 5_000)], crs=UTM).to_crs(4326).values,
            crs=4326,
        ),
        _sites([0.0]),
        "itm",
        dem=dem,
    )
    assert out["predicted_mbb"].tolist() == [True, True]
    assert off["predicted_mbb"].isna().tolist() == [True]
    assert off["agreement"].tolist() == ["no_terrain"]
    assert np.isnan(off["path_loss_db"].iloc[0])


def test_itm_without_dem_names_dem_and_fetch_dem():
    with pytest.raises(InputError, match=r"--dem.*fetch-dem"):
        predict_coverage(_villages([1_000]), _sites([0.0]), "itm")


def test_bad_settings_are_input_errors():
    with pytest.raises(InputError, match="climate"):
        ItmSettings(climate="tropical")
    with pytest.raises(InputError, match="reliability"):
        ItmSettings(reliability=1.5)


def _inputs(tmp_path, synthetic=False):
    dem = _dem(tmp_path / "ridge.tif", ridge_at_m=6_000)
    sites = tmp_path / "sites.csv"
    pt = _points([0.0]).iloc[0]
    flag = ",synthetic" if synthetic else ""
    sites.write_text(
        f"site_id,lon,lat,height_m{flag}\nS,{pt.x},{pt.y},30{',yes' if synthetic else ''}\n",
        "utf-8",
    )
    behind, front = _points([10_000, 3_000])
    register = tmp_path / "villages.csv"
    register.write_text(
        "village_id,village_name,commune_code,lon,lat,households,population,mobile_signal,fibre\n"
        f"b1,Bản Sau,03646,{behind.x},{behind.y},50,200,none,no\n"
        f"b2,Bản Trước,03646,{front.x},{front.y},60,250,none,no\n",
        "utf-8",
    )
    return dem, sites, register


def _predict(dem, sites, register, out, *extra):
    args = ["predict", "--sites", str(sites), "--model", "itm", "--dem", str(dem)]
    args += ["--register", str(register), "--out", str(out), "--format", "json", *extra]
    return CliRunner().invoke(cli, args)


def test_cli_itm_ridge(tmp_path):
    dem, sites, register = _inputs(tmp_path)
    out = tmp_path / "p.csv"
    res = _predict(dem, sites, register, out)
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["model"] == "itm" and summary["predicted_covered"] == 1
    table = pd.read_csv(out, encoding="utf-8-sig").set_index("village_id")
    assert table.loc["b1", "predicted_mbb"] == False  # noqa: E712
    assert table.loc["b2", "predicted_mbb"] == True  # noqa: E712
    assert table.loc["b1", "margin_db"] < 0 < table.loc["b2", "margin_db"]
    assert table.loc["b1", "path_loss_db"] > table.loc["b2", "path_loss_db"] + 30
    # a threshold low enough covers the village behind the ridge too
    low = tmp_path / "low.csv"
    res = _predict(dem, sites, register, low, "--threshold-dbm", "-160")
    assert res.exit_code == 0, res.output
    assert pd.read_csv(low, encoding="utf-8-sig")["predicted_mbb"].all()


def test_cli_itm_without_dem_exits_1(tmp_path):
    res = CliRunner().invoke(
        cli, ["predict", "--sites", "x.csv", "--model", "itm", "--out", str(tmp_path / "p.csv")]
    )
    assert res.exit_code == 1
    assert "--dem" in res.output and "fetch-dem" in res.output
    assert "Traceback" not in res.output


def test_every_output_format_keeps_every_column(tmp_path):
    dem, sites, register = _inputs(tmp_path, synthetic=True)
    tables = {}
    for suffix in (".csv", ".xlsx", ".geojson", ".gpkg"):
        out = tmp_path / f"p{suffix}"
        res = _predict(dem, sites, register, out)
        assert res.exit_code == 0, res.output
        if suffix == ".csv":
            tables[suffix] = pd.read_csv(out, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            tables[suffix] = pd.read_excel(out, sheet_name="prediction")
            about = pd.read_excel(out, sheet_name="about", header=None)
            assert "synthetic sites" in str(about.iloc[0, 0])
        else:
            frame = gpd.read_file(out)
            tables[suffix] = pd.DataFrame(frame.drop(columns="geometry")).assign(
                lon=frame.geometry.x, lat=frame.geometry.y
            )
    wanted = {
        "village_id",
        "predicted_mbb",
        "best_site_id",
        "distance_km",
        "los",
        "path_loss_db",
        "margin_db",
        "agreement",
        "model",
        "sites_file",
        "note",
        "lon",
        "lat",
    }
    reference = tables[".csv"].set_index("village_id").sort_index()
    for suffix, table in tables.items():
        assert wanted <= set(table.columns), suffix
        assert set(table.columns) == set(reference.reset_index().columns), suffix
        assert table["note"].str.contains("synthetic sites").all(), suffix
        table = table.set_index("village_id").sort_index()
        for col in ("path_loss_db", "margin_db", "lon", "lat"):
            np.testing.assert_allclose(table[col], reference[col], rtol=1e-9, err_msg=suffix)
        assert table["predicted_mbb"].astype(bool).tolist() == [False, True], suffix
