"""Villages without coordinates are placed per commune in one batch (:mod:`slmap.model.place`)."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.model.place import ROUNDS, place_villages, points_in, uniform_draws, village_keys

MASK = (1 << 64) - 1


def _splitmix64(seed: int, n: int) -> list[float]:
    """Reference: the first ``n`` draws of splitmix64 seeded by ``seed``, in plain Python."""
    out, state = [], seed
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out.append((z >> 11) * 2.0**-53)
    return out


def test_draws_are_the_splitmix64_stream_of_the_sha256_seed() -> None:
    ids = ["03646-001", "Bản Nà Tấu", "x"]
    keys = village_keys(ids)
    for key, vid in zip(keys, ids, strict=True):
        assert int(key) == int.from_bytes(hashlib.sha256(vid.encode()).digest()[:8], "little")
    draws = uniform_draws(keys, 0, 40)
    for row, key in zip(draws, keys, strict=True):
        assert row.tolist() == _splitmix64(int(key), 40)
    assert uniform_draws(keys, 7, 5).tolist() == draws[:, 7:12].tolist()


def test_a_point_depends_only_on_its_id_and_polygon() -> None:
    poly = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)])  # an L
    ids = [f"v{i}" for i in range(200)]
    x, y = points_in(poly, village_keys(ids))
    order = np.random.default_rng(3).permutation(200)[:50]
    x2, y2 = points_in(poly, village_keys([ids[i] for i in order]))
    assert x2.tolist() == x[order].tolist() and y2.tolist() == y[order].tolist()
    assert shapely.contains_xy(poly, x, y).all()
    assert len(set(zip(x.tolist(), y.tolist(), strict=True))) == 200


def test_points_are_uniform_over_the_polygon() -> None:
    square = shapely.box(10, 20, 12, 21)
    x, y = points_in(square, village_keys([str(i) for i in range(4000)]))
    assert abs(x.mean() - 11) < 0.03 and abs(y.mean() - 20.5) < 0.015
    counts = np.histogram(x, bins=4, range=(10, 12))[0]
    assert counts.min() > 900 and counts.max() < 1100


def test_holes_and_multipolygons() -> None:
    ring = shapely.box(0, 0, 10, 10).difference(shapely.box(1, 1, 9, 9))
    parts = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(50, 50, 51, 51)])
    for poly in (ring, parts):
        x, y = points_in(poly, village_keys([str(i) for i in range(300)]))
        assert shapely.contains_xy(poly, x, y).all()


def test_a_sliver_falls_back_to_the_representative_point() -> None:
    sliver = shapely.Polygon([(0, 0), (1, 1), (1, 1 + 1e-12)])
    x, y = points_in(sliver, village_keys(["a", "b"]))
    point = sliver.representative_point()
    assert x.tolist() == [point.x] * 2 and y.tolist() == [point.y] * 2
    assert ROUNDS >= 16


def test_place_villages_places_estimates_and_keeps_surveyed_points() -> None:
    communes = gpd.GeoDataFrame(
        {
            "commune_code": ["00001", "00002"],
            "commune_name": ["Xã A", "Xã B"],
            "geometry": [shapely.box(105, 21, 105.1, 21.1), shapely.box(105.1, 21, 105.2, 21.1)],
        },
        crs="EPSG:4326",
    )
    villages = pd.DataFrame(
        {
            "row": [2, 3, 4, 5],
            "village_id": ["a1", "a2", "b1", "b2"],
            "commune_code": ["00001", "00001", "00002", "00002"],
            "lon": pd.array([None, 105.05, None, 105.05], dtype="Float64"),
            "lat": pd.array([None, 21.05, None, 21.05], dtype="Float64"),
        }
    )
    placed, problems = place_villages(villages, communes, "v.csv", {"lon": "Kinh độ"})
    assert placed["location_estimated"].tolist() == [True, False, True, False]
    assert placed["lon"].iloc[1] == 105.05 and placed["lon"].iloc[3] == 105.05
    for i, code in ((0, "00001"), (2, "00002")):
        poly = communes.set_index("commune_code").geometry[code]
        assert poly.contains(placed.geometry.iloc[i])
    # the surveyed point of b2 lies in commune A: a warning naming the row and where it lies
    assert [(p.row, p.column, p.kind) for p in problems] == [(5, "Kinh độ", "outside_commune")]
    assert "Xã A (00001)" in problems[0].message
    # the same village alone gets the same point
    alone, _ = place_villages(villages.iloc[[2]], communes, "v.csv", {})
    assert alone.geometry.iloc[0].equals(placed.geometry.iloc[2])
