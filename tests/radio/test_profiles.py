"""Line of sight sampled in pixel space (slmap.radio.profiles) against a plain reference.

The reference samples each pair's profile in metres with
:func:`slmap.sources.dem.sample_heights` (float64) and applies the rule of
:func:`slmap.radio.predict.line_of_sight` sample by sample.
"""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from pyproj import CRS

import slmap.radio.profiles as profiles
from slmap.radio.predict import EARTH_RADIUS_M, K_FACTOR, line_of_sight
from slmap.radio.profiles import HeightGrid, clear_of_terrain
from slmap.sources.dem import Dem, sample_heights

UTM = "EPSG:32648"
PIXEL = 30.0


def _rough_dem(rows=300, cols=400, seed=3, relief=300.0, noise=15.0) -> Dem:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols] * PIXEL
    z = 400 + relief * np.sin(x / 2_500) * np.cos(y / 1_900) + rng.normal(0, noise, (rows, cols))
    return Dem(z, Affine(PIXEL, 0, 500_000, 0, -PIXEL, 2_400_000), CRS(UTM), "rough")


def _reference(dem, a, b, height_a, height_b=1.5):
    """Per pair: margin of the worst inner sample (> 0 blocked) in float64."""
    margins = []
    for (ax, ay), (bx, by), h in zip(a, b, height_a, strict=True):
        length = np.hypot(bx - ax, by - ay)
        t = np.linspace(0, 1, int(np.ceil(length / PIXEL)) + 2)
        z = sample_heights(dem, ax + (bx - ax) * t, ay + (by - ay) * t, UTM)
        d = t * length
        ray = z[0] + h + (z[-1] + height_b - z[0] - h) * t
        terrain = z + d * (length - d) / (2 * K_FACTOR * EARTH_RADIUS_M)
        margins.append(np.max((terrain - ray)[1:-1]))
    return np.array(margins)


def _random_pairs(dem, n, seed=5):
    rng = np.random.default_rng(seed)
    rows, cols = dem.heights.shape
    x0, y0 = dem.transform.c, dem.transform.f
    xs = rng.uniform(x0, x0 + cols * PIXEL, (n, 2))
    ys = rng.uniform(y0 - rows * PIXEL, y0, (n, 2))
    a = np.column_stack([xs[:, 0], ys[:, 0]])
    b = np.column_stack([xs[:, 1], ys[:, 1]])
    return a, b, rng.uniform(10, 60, n)


def test_bilinear_matches_sample_heights_up_to_the_edges():
    dem = _rough_dem(rows=40, cols=50)
    rng = np.random.default_rng(1)
    col = rng.uniform(-0.5, 49.5, 2_000)
    row = rng.uniform(-0.5, 39.5, 2_000)
    col[:4], row[:4] = [-0.5, 49.5, -0.5, 49.5], [-0.5, -0.5, 39.5, 39.5]  # the corners
    t = dem.transform
    x, y = t * (col + 0.5, row + 0.5)
    expected = sample_heights(dem, x, y, UTM)
    got = HeightGrid(dem).bilinear(col.astype("float32"), row.astype("float32"))
    np.testing.assert_allclose(got, expected, atol=0.01)


@pytest.mark.parametrize(
    "shape, relief, noise",
    [((300, 400), 300.0, 15.0), ((60, 1_200), 10.0, 1.0)],  # mountains; gentle and long
)
def test_same_answers_as_the_reference(shape, relief, noise):
    dem = _rough_dem(*shape, relief=relief, noise=noise)
    a, b, h = _random_pairs(dem, 600)
    margin = _reference(dem, a, b, h)
    got = clear_of_terrain(dem, UTM, a, b, h, 1.5, k=K_FACTOR, earth_radius_m=EARTH_RADIUS_M)
    clear = margin < -0.05
    blocked = margin > 0.05  # grazing rays (within 5 cm) are left to rounding
    assert clear.sum() > 50 and blocked.sum() > 50  # the case exercises both answers
    assert (got[clear] == 1.0).all()
    assert (got[blocked] == 0.0).all()


def test_coarse_passes_do_not_change_answers(monkeypatch):
    dem = _rough_dem(seed=8)
    a, b, h = _random_pairs(dem, 800, seed=9)
    staged = line_of_sight(dem, UTM, a, b, h)
    monkeypatch.setattr(profiles, "STRIDES", (1,))
    full = line_of_sight(dem, UTM, a, b, h)
    np.testing.assert_array_equal(staged, full)


@pytest.mark.parametrize("wall_col", [101, 163, 250])
def test_a_wall_one_pixel_wide_between_coarse_samples_blocks(wall_col):
    z = np.zeros((20, 400))
    z[:, wall_col] = 200.0
    dem = Dem(z, Affine(PIXEL, 0, 0, 0, -PIXEL, 20 * PIXEL), CRS(UTM), "wall")
    a = np.array([[15.0, 300.0], [15.0, 300.0]])
    b = np.array([[11_985.0, 300.0], [11_985.0, 315.0]])
    got = clear_of_terrain(dem, UTM, a, b, np.array([30.0, 30.0]), 1.5, k=K_FACTOR,
                           earth_radius_m=EARTH_RADIUS_M)  # fmt: skip
    assert got.tolist() == [0.0, 0.0]
    z = z.copy()
    z[:, wall_col] = 0.0
    dem.heights = z  # a new array: the shared height grid is rebuilt
    got = clear_of_terrain(dem, UTM, a, b, np.array([30.0, 30.0]), 1.5, k=K_FACTOR,
                           earth_radius_m=EARTH_RADIUS_M)  # fmt: skip
    assert got.tolist() == [1.0, 1.0]


def test_nodata_inside_unknown_unless_blocked_and_at_an_end_or_outside_gives_nan():
    z = np.zeros((20, 400))
    z[:, 200] = np.nan
    z[10, 390] = np.nan
    dem = Dem(z, Affine(PIXEL, 0, 0, 0, -PIXEL, 20 * PIXEL), CRS(UTM), "holes")
    a = np.array([[15.0, 285.0]] * 3)
    b = np.array([[9_015.0, 285.0], [11_715.0, 285.0], [13_000.0, 285.0]])
    got = clear_of_terrain(dem, UTM, a, b, np.full(3, 30.0), 1.5, k=K_FACTOR,
                           earth_radius_m=EARTH_RADIUS_M)  # fmt: skip
    assert np.isnan(got[0])  # clear over known terrain, crosses the nodata column: unknown
    assert np.isnan(got[1])  # the receiver stands on nodata
    assert np.isnan(got[2])  # the receiver is beyond the DEM
    z = z.copy()
    z[:, 250] = 500.0  # a wall of known terrain beyond the hole
    dem.heights = z
    got = clear_of_terrain(dem, UTM, a[:1], b[:1], np.full(1, 30.0), 1.5, k=K_FACTOR,
                           earth_radius_m=EARTH_RADIUS_M)  # fmt: skip
    assert got.tolist() == [0.0]  # blocked whatever the hole holds


def test_no_pairs():
    dem = _rough_dem(rows=5, cols=5)
    empty = np.zeros((0, 2))
    out = clear_of_terrain(dem, UTM, empty, empty, np.zeros(0), 1.5, k=K_FACTOR,
                           earth_radius_m=EARTH_RADIUS_M)  # fmt: skip
    assert out.shape == (0,)
