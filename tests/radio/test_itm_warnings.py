"""ITM's own warning code of the best site's path is in the prediction and its summary."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from rasterio.transform import from_origin
from shapely.geometry import Point

from _dem import write_geotiff
from slmap.radio.predict import predict_coverage, summarize
from slmap.sources.dem import read_dem

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_400_000.0
PIXEL = 30.0


def _points(xs):
    return gpd.GeoSeries([Point(X0 + x, Y0) for x in xs], crs=UTM).to_crs(4326).values


def test_itm_warning_doubtful_out_of_range_or_empty(tmp_path):
    # flat ground, then a 3,000 m plateau from 12 km east: a path up its wall is "doubtful"
    z = np.zeros((100, 700), "float32")
    z[:, int(12_500 / PIXEL) :] = 3_000.0
    dem = read_dem(
        write_geotiff(tmp_path / "wall.tif", z, from_origin(X0 - 500, Y0 + 1_500, 30, 30), UTM)
    )
    villages = gpd.GeoDataFrame(
        {"village_id": ["short", "plain", "plateau"], "mobile_broadband": True},
        geometry=_points([500, 5_000, 18_000]),
        crs=4326,
    )
    sites = gpd.GeoDataFrame(
        {"site_id": ["S"], "height_m": [30.0], "technology": ["4g"]},
        geometry=_points([0.0]),
        crs=4326,
    )
    out = predict_coverage(villages, sites, "itm", dem=dem)
    # under 1 km ITM is out of its range (it gives the free-space loss there)
    assert out["itm_warning"].tolist() == ["out of range", "", "doubtful"]
    summary = summarize(out, model="itm")
    assert (summary["itm_doubtful"], summary["itm_out_of_range"]) == (1, 1)


def test_other_models_count_no_itm_warnings():
    r = gpd.GeoDataFrame({"predicted_mbb": [True], "agreement": ["agree"]})
    summary = summarize(r, model="distance")
    assert (summary["itm_doubtful"], summary["itm_out_of_range"]) == (0, 0)
