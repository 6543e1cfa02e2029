"""Village locations: surveyed coordinates checked, missing ones estimated.

Villages without coordinates are placed at a deterministic point inside
their commune, drawn from a generator seeded by the village_id (same id,
same point, on every machine), and flagged ``location_estimated``
(DESIGN §3.3).
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.errors import Problem

__all__ = ["place_villages"]


def _seed(village_id: str) -> int:
    return int.from_bytes(hashlib.sha256(str(village_id).encode("utf-8")).digest()[:8], "little")


def place_villages(
    villages: pd.DataFrame, communes: gpd.GeoDataFrame, src: str, headers: dict[str, str]
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Give every village a point: surveyed coordinates or a deterministic estimate.

    Villages without coordinates get a point inside their commune drawn from
    a generator seeded by the village_id (same id, same point, on every
    machine) and ``location_estimated = True``. Surveyed points outside their
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
        for i in est:
            x[i], y[i] = _random_point(poly, _seed(ids[i]))
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


def _random_point(poly: shapely.Geometry, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(50):
        px = rng.uniform(minx, maxx, 64)
        py = rng.uniform(miny, maxy, 64)
        inside = shapely.contains_xy(poly, px, py)
        if inside.any():
            k = int(np.argmax(inside))
            return float(px[k]), float(py[k])
    point = poly.representative_point()
    return point.x, point.y
