"""Make boundary layers small enough to inline in a map, without gaps or overlaps.

Published commune files were often simplified one polygon at a time, so
neighbours overlap and leave slivers between them (the 75-commune Sơn La
file has ~800 slivers and ~180 overlapping pairs). Simplifying such polygons
one by one makes this worse. :func:`simplify_coverage` first cleans the set
into a proper coverage (:func:`shapely.coverage_clean`: overlaps go to one
neighbour, thin gaps are merged into the neighbour with the longest shared
border, shared edges become identical), then simplifies every shared edge
once (:func:`shapely.coverage_simplify`), then rounds coordinates to 5
decimals (~1 m). Rounding is point-wise, so a vertex shared by two
neighbours lands on the same rounded point in both.

Examples
--------
>>> from shapely import box
>>> out = simplify_coverage([box(0, 0, 1, 1), box(0.99995, 0, 2, 1)], tolerance=0.001)
>>> [g.bounds for g in out]
[(0.0, 0.0, 1.0, 1.0), (1.0, 0.0, 2.0, 1.0)]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DEFAULT_GAP_WIDTH",
    "DEFAULT_TOLERANCE",
    "PRECISION",
    "clean_coverage",
    "round_coords",
    "simplify_coverage",
]

#: Simplification tolerance in degrees (~50 m at Sơn La's latitude).
DEFAULT_TOLERANCE = 0.0005
#: Gaps narrower than this (degrees, ~200 m) between neighbours are closed.
DEFAULT_GAP_WIDTH = 0.002
#: Coordinates are rounded to this many decimals (1e-5 degree ~ 1 m).
PRECISION = 5


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry:
    """Keep only the polygon parts of ``geom`` (make_valid may add lines/points)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom if geom.is_valid else _polygonal(shapely.make_valid(geom))
    parts = shapely.get_parts(geom)
    polys = [p for p in (_polygonal(part) for part in parts) if not p.is_empty]
    if not polys:
        return shapely.Polygon()
    return shapely.union_all(polys)


def round_coords(geoms: Sequence[BaseGeometry] | np.ndarray, decimals: int = PRECISION):
    """Round every coordinate to ``decimals`` and drop repeated points.

    Examples
    --------
    >>> from shapely import Point
    >>> round_coords([Point(104.123456789, 21.3)])[0].wkt
    'POINT (104.12346 21.3)'
    """
    arr = np.asarray(geoms, dtype=object)
    rounded = shapely.transform(arr, lambda xy: np.round(xy, decimals))
    return shapely.remove_repeated_points(rounded)


def clean_coverage(
    geoms: Sequence[BaseGeometry] | np.ndarray, gap_width: float = DEFAULT_GAP_WIDTH
) -> np.ndarray:
    """Turn neighbouring polygons into a proper coverage (no overlaps, no thin gaps).

    Overlaps go to one neighbour; gaps narrower than ``gap_width`` merge into
    the neighbour with the longest shared border; shared edges become
    identical. A set that already is a valid coverage is returned as it is
    (the check is ~20× cheaper than cleaning). Needs shapely >= 2.2 (GEOS
    3.14); with older versions the input is returned unchanged.

    Examples
    --------
    >>> from shapely import box
    >>> out = clean_coverage([box(0, 0, 1.001, 1), box(1, 0, 2, 1)], gap_width=0.01)
    >>> float(out[0].intersection(out[1]).area)
    0.0
    """
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms) or gap_width <= 0 or not hasattr(shapely, "coverage_clean"):
        return geoms
    if shapely.coverage_is_valid(geoms, gap_width=gap_width):
        return geoms
    try:
        return shapely.coverage_clean(geoms, gap_width=gap_width)
    except shapely.errors.GEOSException:  # pragma: no cover - GEOS edge cases
        return geoms


def simplify_coverage(
    geoms: Sequence[BaseGeometry | None] | np.ndarray,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    gap_width: float = DEFAULT_GAP_WIDTH,
    decimals: int = PRECISION,
) -> np.ndarray:
    """Clean, simplify and round a set of neighbouring polygons together.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        Polygons that tile an area (communes, districts), in degrees.
    tolerance : float, default :data:`DEFAULT_TOLERANCE`
        Simplification tolerance (degrees); 0 skips simplification.
    gap_width : float, default :data:`DEFAULT_GAP_WIDTH`
        Close gaps narrower than this between neighbours (needs shapely >= 2.2
        with GEOS >= 3.14; with older versions the input is only simplified).
    decimals : int, default 5
        Decimals kept in coordinates.

    Returns
    -------
    numpy.ndarray of shapely geometries
        Same length and order as ``geoms``; an input that would vanish keeps its
        own (rounded) geometry.

    Examples
    --------
    >>> from shapely import box
    >>> out = simplify_coverage([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> float(sum(g.area for g in out))
    2.0
    """
    original = np.array([_polygonal(g) for g in geoms], dtype=object)
    if not len(original):
        return original
    # Layers from the model are already clean (it closes slivers when loading):
    # clean here only what still overlaps.
    work = original if shapely.coverage_is_valid(original) else clean_coverage(original, gap_width)
    if tolerance > 0:
        work = shapely.coverage_simplify(work, tolerance)
    work = round_coords(work, decimals)
    lost = shapely.is_empty(work) | ~shapely.is_valid(work)
    if lost.any():
        fixed = np.array([_polygonal(g) for g in work[lost]], dtype=object)
        fallback = round_coords(original[lost], decimals)
        work[lost] = np.where(shapely.is_empty(fixed), fallback, fixed)
    return work
