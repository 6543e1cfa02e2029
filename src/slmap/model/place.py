"""Village locations: surveyed coordinates checked, missing ones estimated.

Villages without coordinates are placed at a deterministic point inside
their commune and flagged ``location_estimated`` (DESIGN §3.3). The point
depends only on the village_id and the commune's polygon (same id, same
point, on every machine): candidates are uniform in the commune's bounding
box, drawn from the splitmix64 stream seeded by the first 8 bytes of
SHA-256(village_id), and the first candidate inside the commune is kept. All
villages of a commune are placed together: one point-in-polygon test per
commune and round of draws.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.base.errors import Problem

__all__ = ["DRAWS", "ROUNDS", "place_villages", "points_in", "uniform_draws", "village_keys"]


#: Candidates drawn per village and round, and rounds before the fallback point.
DRAWS, ROUNDS = 16, 64
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def village_keys(ids: np.ndarray | list) -> np.ndarray:
    """The seed of each village: the first 8 bytes of SHA-256(village_id), little-endian.

    Examples
    --------
    >>> int(village_keys(["03646-001"])[0]) == int.from_bytes(
    ...     hashlib.sha256(b"03646-001").digest()[:8], "little")
    True
    """
    return np.fromiter(
        (
            int.from_bytes(hashlib.sha256(str(v).encode("utf-8")).digest()[:8], "little")
            for v in ids
        ),
        dtype=np.uint64,
        count=len(ids),
    )


def uniform_draws(keys: np.ndarray, start: int, count: int) -> np.ndarray:
    """Draws ``start .. start + count - 1`` of each key's splitmix64 stream, in [0, 1).

    Returns an array of shape ``(len(keys), count)``.

    Examples
    --------
    >>> u = uniform_draws(np.array([1, 2], dtype=np.uint64), 0, 3)
    >>> u.shape, bool(((u >= 0) & (u < 1)).all())
    ((2, 3), True)
    >>> bool((uniform_draws(np.array([1], dtype=np.uint64), 1, 2) == u[:1, 1:]).all())
    True
    """
    steps = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = keys[:, None] + steps[None, :] * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def points_in(poly: shapely.Geometry, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One deterministic point inside ``poly`` per key (rejection sampling, batched).

    Round ``r`` draws :data:`DRAWS` candidates per village not yet placed (draws
    ``2 * DRAWS * r`` onwards of its stream: x, y alternately) and keeps the first
    inside ``poly``; after :data:`ROUNDS` rounds the polygon's representative point
    is used.

    Examples
    --------
    >>> square = shapely.box(105.0, 21.0, 105.1, 21.1)
    >>> x, y = points_in(square, village_keys(["a", "b"]))
    >>> bool(shapely.contains_xy(square, x, y).all())
    True
    """
    minx, miny, maxx, maxy = poly.bounds
    x = np.full(len(keys), np.nan)
    y = np.full(len(keys), np.nan)
    todo = np.arange(len(keys))
    for r in range(ROUNDS):
        if not len(todo):
            break
        u = uniform_draws(keys[todo], 2 * DRAWS * r, 2 * DRAWS)
        px = minx + u[:, 0::2] * (maxx - minx)
        py = miny + u[:, 1::2] * (maxy - miny)
        inside = shapely.contains_xy(poly, px, py)
        found = inside.any(axis=1)
        first = inside.argmax(axis=1)[found]
        x[todo[found]] = px[found, first]
        y[todo[found]] = py[found, first]
        todo = todo[~found]
    if len(todo):
        point = poly.representative_point()
        x[todo], y[todo] = point.x, point.y
    return x, y


def place_villages(
    villages: pd.DataFrame, communes: gpd.GeoDataFrame, src: str, headers: dict[str, str]
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Give every village a point: surveyed coordinates or a deterministic estimate.

    Villages without coordinates get a point inside their commune that depends
    only on the village_id and the polygon (see :func:`points_in`; same id, same
    point, on every machine) and ``location_estimated = True``. Surveyed points outside their
    stated commune are reported as warnings and kept where they were surveyed.
    """
    problems: list[Problem] = []
    villages = villages.copy()
    lon = (
        villages["lon"].astype("Float64")
        if "lon" in villages
        else pd.Series(pd.NA, index=villages.index, dtype="Float64")
    )
    lat = (
        villages["lat"].astype("Float64")
        if "lat" in villages
        else pd.Series(pd.NA, index=villages.index, dtype="Float64")
    )
    estimated = (lon.isna() | lat.isna()).to_numpy().copy()
    x = lon.astype(float).to_numpy(na_value=np.nan).copy()
    y = lat.astype(float).to_numpy(na_value=np.nan).copy()
    geoms = communes.set_index("commune_code").geometry
    ids = villages["village_id"].to_numpy()
    outside: list[int] = []
    for code, idx in villages.groupby("commune_code").indices.items():
        poly = geoms.get(code)
        if poly is None:
            continue
        shapely.prepare(poly)
        est = idx[estimated[idx]]
        if len(est):
            x[est], y[est] = points_in(poly, village_keys(ids[est]))
        surveyed = idx[~estimated[idx]]
        inside = shapely.contains_xy(poly, x[surveyed], y[surveyed])
        outside.extend(surveyed[~inside].tolist())
    if outside:
        problems += _outside_problems(villages, communes, outside, x, y, src, headers)
    villages["lon"] = np.round(x, 6)
    villages["lat"] = np.round(y, 6)
    villages["location_estimated"] = estimated
    gdf = gpd.GeoDataFrame(villages, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")
    return gdf.reset_index(drop=True), problems


def _outside_problems(
    villages: pd.DataFrame,
    communes: gpd.GeoDataFrame,
    outside: list[int],
    x: np.ndarray,
    y: np.ndarray,
    src: str,
    headers: dict[str, str],
) -> list[Problem]:
    """One warning per surveyed village outside its stated commune, naming where it lies."""
    idx = np.asarray(sorted(outside))
    points = shapely.points(x[idx], y[idx])
    hit_point, hit_commune = communes.sindex.query(points, predicate="within")
    where = dict(zip(hit_point.tolist(), hit_commune.tolist(), strict=True))
    names, codes = communes["commune_name"].to_numpy(), communes["commune_code"].to_numpy()
    problems = []
    for k, i in enumerate(idx):
        j = where.get(k)
        inside = (
            f"it lies in {names[j]} ({codes[j]})"
            if j is not None
            else "it lies outside every commune loaded"
        )
        problems.append(
            Problem(
                src,
                f"coordinates ({x[i]:.5f}, {y[i]:.5f}) fall outside the stated commune "
                f"{villages['commune_code'].iloc[i]}; {inside}",
                row=int(villages["row"].iloc[i]),
                column=headers.get("lon", "lon"),
                severity="warning",
                kind="outside_commune",
            )
        )
    return problems
