"""DEM from several tiles: files, a folder or a VRT; any CRS each; nodata.

Every DEM is synthetic, written in tmp_path: a 40 km x 3 km strip with a
500 m ridge, cut into tiles, must answer exactly as the uncut strip.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.base.errors import InputError
from slmap.radio.predict import predict_coverage
from slmap.sources.dem import read_dem, sample_heights

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_400_000.0
PIXEL = 30.0
BOUNDS = (100.0, 20.0, 108.0, 23.0)


def _strip() -> np.ndarray:
    """Heights of the 40 km strip: a slope, a 500 m ridge at 6 km and a hill at 20 km."""
    width, rows = int(40_000 / PIXEL), int(3_000 / PIXEL)
    x = np.arange(width) * PIXEL
    z = np.tile(100.0 + x / 1000.0, (rows, 1)).astype("float32")
    col = int(6_500 / PIXEL)
    z[:, col - 1 : col + 1] += 500.0
    z[:, int(20_500 / PIXEL) : int(21_500 / PIXEL)] += 200.0
    return z


def _write(path, z, col0=0, crs=UTM, nodata=-9999.0):
    transform = from_origin(X0 - 500 + col0 * PIXEL, Y0 + 1_500, PIXEL, PIXEL)
    return write_geotiff(path, z, transform, crs, nodata)


def _to_lonlat(path):
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    out = path.with_name(path.stem + "_lonlat.tif")
    with rasterio.open(path) as src:
        t, w, h = calculate_default_transform(
            src.crs, "EPSG:4326", src.width, src.height, *src.bounds, resolution=(0.0002, 0.0002)
        )
        meta = src.meta | {"crs": "EPSG:4326", "transform": t, "width": w, "height": h}
        with rasterio.open(out, "w", **meta) as dst:
            reproject(rasterio.band(src, 1), rasterio.band(dst, 1), resampling=Resampling.nearest)
    path.unlink()
    return out


def _split(tmp_path, z, cut_col, folder="tiles"):
    """Two tiles side by side, cut at ``cut_col``."""
    d = tmp_path / folder
    d.mkdir()
    west = _write(d / "w.tif", np.ascontiguousarray(z[:, :cut_col]))
    east = _write(d / "e.tif", np.ascontiguousarray(z[:, cut_col:]), col0=cut_col)
    return d, west, east


def _villages(xs):
    pts = gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=UTM).to_crs(4326)
    return gpd.GeoDataFrame(
        {"village_id": [f"v{i}" for i in range(len(xs))], "mobile_broadband": False},
        geometry=pts.values,
        crs=4326,
    )


def _sites():
    pt = gpd.GeoSeries([Point(X0, Y0)], crs=UTM).to_crs(4326)
    return gpd.GeoDataFrame(
        {"site_id": ["S"], "height_m": [30.0], "technology": ["4g"]}, geometry=pt.values, crs=4326
    )


XS = [3_000, 5_000, 9_000, 15_000, 19_000, 25_000, 30_000]


def _answers(dem):
    return predict_coverage(_villages(XS), _sites(), "los", dem=dem)["predicted_mbb"].tolist()


def _heights(dem):
    x = X0 + np.array([100.0, 6_000, 12_345, 20_015, 33_333])
    return sample_heights(dem, x, np.full(len(x), Y0 + 100), UTM)


def test_two_tiles_side_by_side_answer_as_one(tmp_path):
    z = _strip()
    whole = read_dem(_write(tmp_path / "whole.tif", z), BOUNDS)
    folder, west, east = _split(tmp_path, z, cut_col=400)  # the cut at 12 km
    answers = _answers(whole)
    assert answers == [True, True, False, False, False, False, False]
    for tiles in ([west, east], [east, west], folder):
        dem = read_dem(tiles, BOUNDS)
        assert dem.heights.shape == whole.heights.shape
        np.testing.assert_allclose(_heights(dem), _heights(whole))
        assert _answers(dem) == answers


def test_the_ridge_on_the_seam_still_blocks(tmp_path):
    z = _strip()
    _, west, east = _split(tmp_path, z, cut_col=int(6_500 / PIXEL))  # cut through the ridge
    dem = read_dem([west, east], BOUNDS)
    assert _answers(dem)[:3] == [True, True, False]
    np.testing.assert_allclose(dem.heights, z)


def test_tiles_in_different_crs_are_reprojected(tmp_path):
    z = _strip()
    whole = read_dem(_write(tmp_path / "whole.tif", z), BOUNDS)
    _, west, east = _split(tmp_path, z, cut_col=400)
    east_ll = _to_lonlat(east)
    dem = read_dem([west, east_ll], BOUNDS)
    assert dem.crs.to_epsg() == 32648
    assert _answers(dem) == _answers(whole)
    # the lon/lat tile went through two resamplings: heights agree to a few metres
    np.testing.assert_allclose(_heights(dem), _heights(whole), atol=3.0)


def test_a_vrt_of_tiles_reads_as_the_mosaic(tmp_path):
    z = _strip()
    _, west, east = _split(tmp_path, z, cut_col=400)
    sources = "".join(
        f"<SimpleSource><SourceFilename relativeToVRT='1'>tiles/{p.name}</SourceFilename>"
        f"<SourceBand>1</SourceBand>"
        f"<SrcRect xOff='0' yOff='0' xSize='{w}' ySize='{z.shape[0]}'/>"
        f"<DstRect xOff='{x}' yOff='0' xSize='{w}' ySize='{z.shape[0]}'/></SimpleSource>"
        for p, x, w in ((west, 0, 400), (east, 400, z.shape[1] - 400))
    )
    with rasterio.open(west) as ds:
        wkt = ds.crs.to_wkt()
    vrt = tmp_path / "dem.vrt"
    vrt.write_text(
        f"<VRTDataset rasterXSize='{z.shape[1]}' rasterYSize='{z.shape[0]}'>"
        f"<SRS>{wkt.replace('<', '&lt;').replace('&', '&amp;')}</SRS>"
        f"<GeoTransform>{X0 - 500}, {PIXEL}, 0, {Y0 + 1500}, 0, {-PIXEL}</GeoTransform>"
        f"<VRTRasterBand dataType='Float32' band='1'><NoDataValue>-9999</NoDataValue>"
        f"{sources}</VRTRasterBand></VRTDataset>"
    )
    dem = read_dem(vrt, BOUNDS)
    np.testing.assert_allclose(dem.heights, z)


def test_nodata_becomes_nan_and_an_overlapping_tile_fills_it(tmp_path):
    z = _strip()
    holed = z.copy()
    holed[:, 100:110] = -9999.0
    a = _write(tmp_path / "a.tif", holed)
    dem = read_dem(a, BOUNDS)
    assert np.isnan(dem.heights[:, 100:110]).all()
    assert not np.isnan(dem.heights[:, :100]).any()
    patch = _write(tmp_path / "b.tif", np.ascontiguousarray(z[:, 90:120]), col0=90)
    filled = read_dem([a, patch], BOUNDS)
    np.testing.assert_allclose(filled.heights, z)


def test_only_the_window_over_the_bounds_is_read(tmp_path):
    z = _strip()
    _, west, east = _split(tmp_path, z, cut_col=400)
    box = gpd.GeoSeries([Point(X0 + 1_000, Y0), Point(X0 + 5_000, Y0 + 500)], crs=UTM)
    bounds = tuple(box.to_crs(4326).total_bounds)
    dem = read_dem([west, east], bounds)
    assert dem.source.endswith("w.tif")  # the east tile does not meet the bounds: not opened
    assert dem.heights.shape[1] < 200 and dem.heights.shape[0] < z.shape[0]


def test_bad_tiles_are_named(tmp_path):
    z = _strip()
    good = _write(tmp_path / "good.tif", z)
    text = tmp_path / "notes.tif"
    text.write_text("not a raster")
    with pytest.raises(InputError, match=r"notes\.tif: cannot be read as a DEM raster"):
        read_dem([good, text], BOUNDS)
    plain = tmp_path / "plain.tif"
    with rasterio.open(
        plain, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32"
    ) as ds:
        ds.write(np.zeros((1, 2, 2), "float32"))
    with pytest.raises(InputError, match=r"plain\.tif: the DEM has no CRS"):
        read_dem([good, plain], BOUNDS)
    with pytest.raises(InputError, match=r"missing\.tif: DEM file not found"):
        read_dem([good, tmp_path / "missing.tif"], BOUNDS)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="holds no raster"):
        read_dem(empty, BOUNDS)
    with pytest.raises(InputError, match="does not cover the villages and sites"):
        read_dem(good, (0.0, 0.0, 1.0, 1.0))


def test_one_file_is_read_once_as_float32_with_its_nodata_blank(tmp_path):
    """Reading holds the float32 heights and a byte a pixel of mask, not two float copies."""
    import tracemalloc

    z = np.full((2_000, 2_000), 500.0, "float32")
    z[:10] = -9999.0
    path = _write(tmp_path / "d.tif", z)
    tracemalloc.start()
    try:
        dem = read_dem(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert dem.heights.dtype == np.float32
    assert np.isnan(dem.heights[:10]).all() and not np.isnan(dem.heights[10:]).any()
    assert peak < 1.75 * dem.heights.nbytes
