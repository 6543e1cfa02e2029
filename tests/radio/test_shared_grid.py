"""The padded height grid of the line of sight is built once per DEM and shared."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from pyproj import CRS
from rasterio.transform import from_origin

from _dem import write_geotiff
from slmap.radio import profiles
from slmap.radio.predict import line_of_sight
from slmap.sources.dem import Dem, read_dem

UTM = "EPSG:32648"


def test_grid_built_once_for_many_calls(monkeypatch):
    built = []
    real = profiles.HeightGrid.__init__

    def counting(self, dem):
        built.append(dem.source)
        real(self, dem)

    monkeypatch.setattr(profiles.HeightGrid, "__init__", counting)
    dem = Dem(np.zeros((10, 400)), Affine(30, 0, 0, 0, -30, 300), CRS(32648), "flat")
    a, b = np.array([[15.0, 150.0]]), np.array([[5_015.0, 150.0]])
    for _ in range(3):
        assert line_of_sight(dem, UTM, a, b, np.array([30.0])).tolist() == [1.0]
    assert built == ["flat"]
    dem.heights = np.full((10, 400), 5.0)  # new heights: a new grid
    line_of_sight(dem, UTM, a, b, np.array([30.0]))
    assert built == ["flat", "flat"]


def test_read_dem_heights_are_float32_and_read_only(tmp_path):
    path = write_geotiff(
        tmp_path / "d.tif", np.full((4, 4), 250.0), from_origin(500_000, 2_400_000, 30, 30), UTM
    )
    dem = read_dem(path)
    assert dem.heights.dtype == np.float32
    with pytest.raises(ValueError, match="read-only"):
        dem.heights[0, 0] = 1.0
