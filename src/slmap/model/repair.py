"""Slivers and overlaps between neighbouring communes, closed once when a model is built."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from slmap.base.errors import Problem
from slmap.base.simplify import clean_coverage

__all__ = ["clean_commune_coverage"]


def clean_commune_coverage(
    communes: gpd.GeoDataFrame, src: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Close slivers and overlaps between neighbouring communes, and say so.

    Published files were often simplified polygon by polygon (the Sơn La
    file has ~800 slivers and ~180 overlapping pairs). Made into a proper
    coverage once here, every later step (placing villages, maps, exports)
    sees each place in exactly one commune.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1)], crs=4326)
    >>> clean_commune_coverage(gdf, "c.geojson")[1]  # apart, nothing to close
    []
    """
    before = communes.geometry.to_numpy()
    after = clean_coverage(before)
    changed = ~shapely.equals(before, after)
    if not changed.any():
        return communes, []
    moved = shapely.area(shapely.symmetric_difference(before[changed], after[changed])).sum()
    lat = np.radians(communes.geometry.total_bounds[[1, 3]].mean())
    km2 = moved * 111.32**2 * np.cos(lat) / 2  # each moved piece leaves one commune, joins another
    problems = [
        Problem(
            src,
            f"slivers and overlaps between neighbouring communes closed: {int(changed.sum())} of "
            f"{len(communes)} communes adjusted, {km2:.1f} km² reassigned in all",
            column="geometry",
            severity="warning",
            kind="coverage_cleaned",
        )
    ]
    return communes.set_geometry(
        gpd.GeoSeries(after, index=communes.index, crs=communes.crs)
    ), problems
