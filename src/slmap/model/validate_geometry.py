"""Checks and repairs of commune geometry (split from :mod:`slmap.model.validate`).

Invalid polygons are repaired with :func:`shapely.make_valid` and reported as
warnings; empty, null, non-polygonal geometries, features outside Vietnam or
with swapped longitude/latitude, and duplicate codes are errors.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.base.errors import Problem

__all__ = ["VIETNAM_BOUNDS", "check_boundaries"]

#: Generous WGS84 extent of Vietnam including its islands (lon, lat ranges).
VIETNAM_BOUNDS = ((102.0, 118.0), (6.0, 24.0))


def _where(g: shapely.Geometry) -> str | None:
    """Return why a polygon is not in Vietnam, or ``None``."""
    (x0, x1), (y0, y1) = VIETNAM_BOUNDS
    minx, miny, maxx, maxy = g.bounds
    px, py = (minx + maxx) / 2, (miny + maxy) / 2
    if x0 <= px <= x1 and y0 <= py <= y1:
        return None
    if x0 <= py <= x1 and y0 <= px <= y1:
        return (
            f"longitude and latitude look swapped (x {px:.3f}, y {py:.3f}); "
            "Vietnam lies at longitude 102–110, latitude 8–24"
        )
    return (
        f"lies outside Vietnam (its centre is at x {px:.3f}, y {py:.3f}); "
        "expected WGS84 degrees (lon 102–110, lat 8–24) — wrong coordinate system?"
    )


def check_boundaries(
    communes: gpd.GeoDataFrame, src: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check and repair commune geometry.

    Invalid polygons are repaired with :func:`shapely.make_valid` (keeping
    the polygonal part) and reported as warnings; empty, null or
    non-polygonal geometries and duplicate codes are errors. Rows with an
    error are dropped from the returned frame.

    Examples
    --------
    >>> bow = shapely.from_wkt("POLYGON ((104 21, 105 22, 105 21, 104 22, 104 21))")
    >>> g = gpd.GeoDataFrame({"feature": [1], "commune_code": ["00001"],
    ...     "commune_name": ["Xã A"]}, geometry=[bow], crs=4326)
    >>> fixed, problems = check_boundaries(g, "x.geojson")
    >>> fixed.is_valid.all(), problems[0].severity
    (np.True_, 'warning')
    """
    problems: list[Problem] = []
    keep = np.ones(len(communes), dtype=bool)
    geoms = communes.geometry.to_numpy().copy()

    def label(i: int) -> str:
        code = communes["commune_code"].iloc[i] if "commune_code" in communes else None
        name = communes["commune_name"].iloc[i] if "commune_name" in communes else None
        parts = [str(x) for x in (code, name) if x is not None and not pd.isna(x)]
        return (
            f"{communes['feature'].iloc[i]} ({' '.join(parts)})"
            if parts
            else str(communes["feature"].iloc[i])
        )

    for i, g in enumerate(geoms):
        if g is None or shapely.is_empty(g):
            problems.append(
                Problem(
                    src,
                    "empty or missing geometry; expected a commune polygon",
                    feature=label(i),
                    column="geometry",
                    kind="empty_geometry",
                )
            )
            keep[i] = False
            continue
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            if g.geom_type == "GeometryCollection" and any(
                p.geom_type in ("Polygon", "MultiPolygon") for p in g.geoms
            ):
                pass
            else:
                problems.append(
                    Problem(
                        src,
                        f"found a {g.geom_type}; expected a polygon (commune area)",
                        feature=label(i),
                        column="geometry",
                        kind="not_polygon",
                    )
                )
                keep[i] = False
                continue
        outside = _where(g)
        if outside is not None:
            problems.append(
                Problem(
                    src,
                    outside,
                    feature=label(i),
                    column="geometry",
                    kind="outside_vietnam",
                )
            )
            keep[i] = False
            continue
        if not shapely.is_valid(g):
            reason = shapely.is_valid_reason(g)
            repaired = _polygonal(shapely.make_valid(g))
            problems.append(
                Problem(
                    src,
                    f"invalid geometry ({reason}) repaired with make_valid",
                    feature=label(i),
                    column="geometry",
                    severity="warning",
                    kind="repaired_geometry",
                )
            )
            geoms[i] = repaired
        if g.geom_type == "GeometryCollection":
            dropped = _non_polygon_parts(g)
            if dropped:
                problems.append(
                    Problem(
                        src,
                        f"a GeometryCollection: its non-polygon parts ({dropped}) were dropped; "
                        "expected polygons only",
                        feature=label(i),
                        column="geometry",
                        severity="warning",
                        kind="parts_dropped",
                    )
                )
            if shapely.is_valid(g):
                geoms[i] = _polygonal(g)
    if "commune_code" in communes:
        codes = communes["commune_code"]
        dup = codes.duplicated(keep=False) & codes.notna()
        for i in np.flatnonzero(dup.to_numpy()):
            problems.append(
                Problem(
                    src,
                    f"duplicate commune code {codes.iloc[i]}; expected one feature per commune",
                    feature=label(i),
                    column="commune_code",
                    kind="duplicate_code",
                )
            )
        keep &= ~dup.to_numpy()
    out = communes.copy()
    out = out.set_geometry(gpd.GeoSeries(geoms, index=communes.index, crs=communes.crs))
    return out[keep], problems


def _non_polygon_parts(g: shapely.Geometry) -> str:
    """Count the non-polygon parts of a collection by type, e.g. ``"2 LineString"``."""
    kinds: dict[str, int] = {}
    for part in shapely.get_parts(g):
        if part.geom_type not in ("Polygon", "MultiPolygon"):
            kinds[part.geom_type] = kinds.get(part.geom_type, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = shapely.get_parts(g)
    polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()
