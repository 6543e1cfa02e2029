"""Coverage rasters (viewshed per site), covered-area polygons and ``slmap predict --raster``.

Every DEM is synthetic, built in tmp_path or in memory, with answers known
analytically: the radio horizon on flat ground, the shadow of a ridge.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner
from pyproj import CRS
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.cli import cli
from slmap.radio.area import raster_polygons
from slmap.radio.grid import metric_grid
from slmap.radio.predict import K_FACTOR, line_of_sight
from slmap.radio.raster import NODATA, distance_raster, los_raster
from slmap.radio.viewshed import ray_geometry, viewshed
from slmap.sources.dem import Dem

UTM = CRS.from_epsg(32648)
X0, Y0 = 500_000.0, 2_400_000.0


def _grid(heights, pixel):
    """DEM whose centre cell's centre is (X0, Y0)."""
    rows, cols = heights.shape
    west = X0 - (cols // 2 + 0.5) * pixel
    north = Y0 + (rows // 2 + 0.5) * pixel
    return Dem(
        heights.astype("float64"), Affine(pixel, 0, west, 0, -pixel, north), UTM, "synthetic"
    )


def _site(dx=0.0, dy=0.0, height=30.0, crs=UTM):
    return gpd.GeoDataFrame(
        {"site_id": ["S"], "height_m": [height], "technology": ["4g"]},
        geometry=[Point(X0 + dx, Y0 + dy)],
        crs=crs,
    )


def _distances(raster):
    rows, cols = np.indices(raster.counts.shape)
    x, y = raster.transform @ (cols + 0.5, rows + 0.5)
    return np.hypot(x - X0, y - Y0)


def test_flat_ground_viewshed_ends_at_the_radio_horizon():
    pixel = 30.0
    raster = los_raster(_grid(np.zeros((2101, 2101)), pixel), _site(), max_range_km=35.0)
    horizon = 3.57 * (math.sqrt(K_FACTOR * 30.0) + math.sqrt(K_FACTOR * 1.5)) * 1000.0
    assert 27_400 < horizon < 27_800
    d = _distances(raster)
    covered = raster.counts == 1
    assert abs(d[covered].max() - horizon) <= 2 * pixel
    assert abs(d[~covered].min() - horizon) <= 2 * pixel
    assert raster.counts.max() == 1 and raster.sites == 1


def test_ridge_casts_a_shadow_and_its_removal_lifts_it():
    pixel = 60.0
    z = np.zeros((401, 401))
    z[:, 200 + 100 : 200 + 102] = 500.0  # north-south ridge 6 km east of the site
    ridge = los_raster(_grid(z, pixel), _site(), max_range_km=12.0)
    flat = los_raster(_grid(np.zeros_like(z), pixel), _site(), max_range_km=12.0)
    behind, front = (200, 200 + 150), (200, 200 - 150)  # 9 km east and west
    assert ridge.counts[behind] == 0 and ridge.counts[front] == 1
    assert flat.counts[behind] == 1
    assert ridge.covered_share() < flat.covered_share()


def _terrain(rows, cols, seed=0, noise_m=5.0):
    """Hills (sums of sines, 100-1,250 m) plus pixel-level noise of ``noise_m``."""
    rng = np.random.default_rng(seed)
    y, x = np.indices((rows, cols), dtype="float64")
    z = 600 + 400 * np.sin(x / 40.0) * np.cos(y / 55.0) + 250 * np.sin(x / 13.0 + y / 17.0)
    return z + rng.normal(0, noise_m, z.shape)


def test_raster_agrees_with_line_of_sight_at_villages():
    """The rule is line_of_sight's: pixels at village positions give the per-village answer."""
    pixel = 90.0
    dem = _grid(_terrain(301, 301), pixel)
    offsets = [(0.0, 0.0), (-4_500.0, 3_600.0), (5_400.0, -2_700.0)]
    sites = gpd.GeoDataFrame(
        {"height_m": [30.0, 40.0, 25.0]},
        geometry=[Point(X0 + dx, Y0 + dy) for dx, dy in offsets],
        crs=UTM,
    )
    raster = los_raster(dem, sites, max_range_km=12.0)
    rng = np.random.default_rng(1)
    cells = rng.integers(20, 281, size=(600, 2))
    vx, vy = dem.transform @ (cells[:, 1] + 0.5, cells[:, 0] + 0.5)
    seen = np.zeros(len(cells), dtype=bool)
    for site in sites.itertuples():
        sxy = np.tile([site.geometry.x, site.geometry.y], (len(cells), 1))
        vxy = np.column_stack([vx, vy])
        near = np.hypot(*(vxy - sxy).T) <= 12_000.0
        los = line_of_sight(dem, UTM, sxy, vxy, np.full(len(cells), site.height_m))
        seen |= near & (los == 1.0)
    pixel_says = raster.counts[cells[:, 0], cells[:, 1]] > 0
    assert 0.2 < seen.mean() < 0.9  # both answers occur
    assert (pixel_says == seen).mean() >= 0.98


def test_same_covered_share_in_utm_and_lonlat(tmp_path):
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    pixel = 60.0
    z = _terrain(301, 301, noise_m=0.0)  # resampling smooths pixel noise: keep the hills only
    utm = _grid(z, pixel)
    rows, cols = z.shape
    west, north = utm.transform.c, utm.transform.f
    east, south = west + cols * pixel, north - rows * pixel
    t, w, h = calculate_default_transform(
        UTM, "EPSG:4326", cols, rows, west, south, east, north, resolution=(0.0005, 0.0005)
    )
    geo = np.full((h, w), np.nan)
    reproject(
        z,
        geo,
        src_transform=utm.transform,
        src_crs=UTM,
        dst_transform=t,
        dst_crs="EPSG:4326",
        dst_nodata=np.nan,
        resampling=Resampling.bilinear,
    )
    lonlat = Dem(geo, t, CRS.from_epsg(4326), "lonlat")
    site = _site(height=35.0)
    a = los_raster(utm, site, max_range_km=8.0)
    b = los_raster(lonlat, site.to_crs(4326), max_range_km=8.0)
    assert b.crs.equals(UTM)  # a geographic DEM is resampled into the sites' UTM zone
    area_a = (a.counts == 1).sum() * a.pixel_m**2
    area_b = (b.counts == 1).sum() * b.pixel_m**2
    assert 0.05 < a.covered_share() < 0.95
    assert area_b == pytest.approx(area_a, rel=0.03)


def test_nodata_pixels_stay_nodata_and_do_not_block():
    z = np.zeros((201, 201))
    z[100, 150:160] = np.nan
    raster = los_raster(_grid(z, 60.0), _site(), max_range_km=5.0)
    assert (raster.counts[100, 150:160] == NODATA).all()
    assert raster.counts[100, 165] == 1


def test_site_near_the_edge_and_outside_the_dem():
    dem = _grid(np.zeros((101, 101)), 60.0)
    edge = los_raster(dem, _site(dx=2_900.0), max_range_km=3.0)
    outside = los_raster(dem, _site(dx=50_000.0), max_range_km=3.0)
    assert edge.counts.max() == 1 and edge.counts[50, 0] == 0
    assert outside.counts.max() == 0


def test_viewshed_window_symmetry_on_flat_ground():
    g = ray_geometry(40, 40, 30.0, 30.0, 1_000.0, K_FACTOR)
    seen = viewshed(np.zeros(g.shape, "float32"), g, 30.0, 1.5)
    assert (seen == seen[::-1]).all() and (seen == seen[:, ::-1]).all() and (seen == seen.T).all()
    rows, cols = np.indices(g.shape)
    assert seen.sum() == (np.hypot(rows - 40, cols - 40) * 30.0 <= 1_000.0).sum()


def test_distance_raster_counts_sites_and_skips_2g():
    sites = gpd.GeoDataFrame(
        {"height_m": [30.0] * 3, "technology": ["4g", "4g", "2g"]},
        geometry=[Point(X0, Y0), Point(X0 + 1_000, Y0), Point(X0, Y0 + 500)],
        crs=UTM,
    )
    r = distance_raster(sites, radius_km=2.0, pixel_m=50.0)
    assert r.sites == 2 and r.counts.max() == 2
    area = (r.counts > 0).sum() * 50.0**2
    lens = gpd.GeoSeries([Point(X0, Y0).buffer(2_000).union(Point(X0 + 1_000, Y0).buffer(2_000))])
    assert area == pytest.approx(float(lens.area.iloc[0]), rel=0.02)


def test_polygons_are_valid_lonlat_and_match_the_raster_area():
    raster = los_raster(_grid(_terrain(201, 201, seed=3), 60.0), _site(), max_range_km=5.0)
    polygons = raster_polygons(raster)
    assert polygons.crs.equals(CRS.from_epsg(4326))
    assert polygons.is_valid.all()
    area = float(polygons.to_crs(UTM).area.iloc[0])
    covered = ((raster.counts > 0) & (raster.counts != NODATA)).sum() * 60.0**2
    assert area == pytest.approx(covered, rel=0.1)


def test_metric_grid_keeps_a_utm_dem_and_coarsens_on_request():
    dem = _grid(np.arange(100.0).reshape(10, 10), 30.0)
    assert metric_grid(dem, UTM).heights.shape == (10, 10)
    assert metric_grid(dem, UTM, 90.0).heights.shape[0] in (3, 4)


def _write_dem(path, z, pixel):
    return write_geotiff(path, z, _grid(z, pixel).transform, "EPSG:32648")


def _register(tmp_path, xs):
    pts = gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=UTM).to_crs(4326)
    lines = [
        "village_id,village_name,commune_code,lon,lat,households,population,mobile_signal,fibre"
    ]
    lines += [f"v{i},Bản {i},03646,{p.x},{p.y},50,200,none,no" for i, p in enumerate(pts)]
    path = tmp_path / "villages.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _sites_file(tmp_path, synthetic=False):
    pt = gpd.GeoSeries([Point(X0, Y0)], crs=UTM).to_crs(4326).iloc[0]
    extra = ",synthetic" if synthetic else ""
    path = tmp_path / "sites.csv"
    path.write_text(
        f"site_id,lon,lat,height_m{extra}\nS,{pt.x},{pt.y},30{',yes' if synthetic else ''}\n",
        "utf-8",
    )
    return path


def _predict(tmp_path, *args):
    return CliRunner().invoke(cli, ["predict", *map(str, args)])


def test_cli_los_raster_and_gpkg_coverage_layer(tmp_path):
    z = np.zeros((301, 301))
    z[:, 150 + 50 : 150 + 52] = 500.0  # ridge 3 km east of the site (60 m pixels)
    dem = _write_dem(tmp_path / "ridge.tif", z, 60.0)
    out, tif = tmp_path / "p.gpkg", tmp_path / "cov.tif"
    res = _predict(
        tmp_path,
        "--sites",
        _sites_file(tmp_path, synthetic=True),
        "--model",
        "los",
        "--dem",
        dem,
        "--max-range-km",
        "8",
        "--register",
        _register(tmp_path, [5_000, -5_000]),
        "--raster",
        tif,
        "--out",
        out,
    )
    assert res.exit_code == 0, res.output
    names = [name for name, _ in pyogrio.list_layers(out)]
    assert sorted(names) == ["coverage", "villages"]
    villages = gpd.read_file(out, layer="villages").set_index("village_id")
    assert villages["predicted_mbb"].tolist() == [False, True]
    layer = gpd.read_file(out, layer="coverage")
    assert layer.crs.equals(CRS.from_epsg(4326)) and layer.is_valid.all()
    row = layer.iloc[0]
    assert (row["model"], row["sites"], row["note"]) == ("los", 1, "predicted, not measured")
    assert bool(row["synthetic"]) is True
    with rasterio.open(tif) as ds:
        assert ds.profile["compress"] == "lzw" and ds.profile["tiled"]
        assert ds.dtypes[0] == "uint8" and ds.nodata == NODATA
        band = ds.read(1)
        vx = ds.index(X0 + 5_000, Y0)
        fx = ds.index(X0 - 5_000, Y0)
    assert band[vx] == 0 and band[fx] == 1  # behind the ridge / same side as the site
    assert layer.to_crs(UTM).contains(Point(X0 - 5_000, Y0)).iloc[0]
    assert not layer.to_crs(UTM).contains(Point(X0 + 5_000, Y0)).iloc[0]


def test_cli_distance_gpkg_gets_buffers_and_refuses_existing_raster(tmp_path):
    out = tmp_path / "p.gpkg"
    register = _register(tmp_path, [3_000, 9_000])
    res = _predict(tmp_path, "--sites", _sites_file(tmp_path), "--register", register, "--out", out)
    assert res.exit_code == 0, res.output
    layer = gpd.read_file(out, layer="coverage")
    assert layer.iloc[0]["model"] == "distance" and not bool(layer.iloc[0]["synthetic"])
    assert float(layer.to_crs(UTM).area.iloc[0]) == pytest.approx(math.pi * 5_000**2, rel=0.01)
    tif = tmp_path / "exists.tif"
    tif.write_bytes(b"x")
    res = _predict(
        tmp_path, "--sites", _sites_file(tmp_path), "--raster", tif, "--out", tmp_path / "q.csv"
    )
    assert res.exit_code == 1 and "exists.tif" in res.output and "Traceback" not in res.output
    assert tif.read_bytes() == b"x"
