"""The map page's geometry: communes, former districts and province as one topology.

Communes are simplified together (shared borders stay shared, see
:func:`slmap.base.simplify.simplify_coverage`), then cut into arcs that are stored
once (:mod:`slmap.page.topojson`). The outlines are not stored again: a former
district line is every arc whose two sides lie in different districts, or
with one side outside; the province line is every arc with one side outside.
Where a commune straddles former districts (a 2025 commune made of communes
of two districts, e.g. Chiềng Sơn 03985 in Sơn La), the district border
inside it comes from the district outlines and is stored as an extra arc;
its ends become junctions on the commune's border, so the border arcs on
either side are told apart.

Examples
--------
>>> from types import SimpleNamespace
>>> import geopandas as gpd
>>> from shapely import box
>>> communes = gpd.GeoDataFrame({"district_code": ["1", "2"]},
...                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
>>> model = SimpleNamespace(communes=communes, districts=communes, province=communes)
>>> doc = page_topology(model, [{"code": "a"}, {"code": "b"}], tolerance=0)
>>> sorted(doc["objects"]), len(doc["arcs"])
(['communes', 'districts', 'province'], 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from slmap.base.simplify import round_coords, simplify_coverage
from slmap.page.topojson import QUANTUM, build_topology, lines_object, to_json

__all__ = ["STRADDLE_SHARE", "page_topology", "straddling_lines"]

#: A commune straddles former districts when at least this share of its area
#: lies in a second district (smaller shares are mismatches between sources).
STRADDLE_SHARE = 0.1


def _district_keys(frame: Any) -> list[Any]:
    """Each row's former district as (code, name); None when both are missing."""

    def column(name: str) -> list[Any]:
        if name not in frame:
            return [None] * len(frame)
        return [None if pd.isna(v) else str(v) for v in frame[name]]

    keys = zip(column("district_code"), column("district_name"), strict=True)
    return [None if key == (None, None) else key for key in keys]


def _shares(
    geoms: np.ndarray, districts: np.ndarray, own: np.ndarray
) -> dict[int, list[tuple[int, float]]]:
    """Commune index -> [(district index, share of the commune's area)] where overlapping.

    A commune inside its own district (``own``, -1 unknown) is not measured.
    """
    shapely.prepare(districts)
    inside = np.zeros(len(geoms), dtype=bool)
    known = np.flatnonzero(own >= 0)
    inside[known] = shapely.covered_by(geoms[known], districts[own[known]])
    todo = np.flatnonzero(~inside)
    pairs = shapely.STRtree(districts).query(geoms[todo], predicate="overlaps")
    out: dict[int, list[tuple[int, float]]] = {}
    if not pairs.shape[1]:
        return out
    communes = todo[pairs[0]]
    areas = shapely.area(shapely.intersection(geoms[communes], districts[pairs[1]]))
    for c, d, a in zip(communes, pairs[1], areas / shapely.area(geoms[communes]), strict=True):
        out.setdefault(int(c), []).append((int(d), float(a)))
    return out


def straddling_lines(
    geoms: np.ndarray,
    districts: Any,
    tolerance: float,
    originals: np.ndarray | None = None,
    own: list[Any] | None = None,
) -> dict[int, tuple[BaseGeometry, list[int]]]:
    """Former-district borders inside communes that straddle districts.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        The (simplified) communes.
    districts : GeoDataFrame or None
        Former district outlines, which tile the province.
    tolerance : float
        Simplification tolerance (degrees) of the lines.
    originals : numpy.ndarray of shapely geometries, optional
        The communes before simplification, to measure the shares of their
        area in each district (the simplified ones overlap a district they
        only border).
    own : list, optional
        Each commune's own district as ``(code, name)`` (see the model's
        ``district_code`` and ``district_name``): a commune inside it is not
        measured, so districts made from the communes themselves cost little.

    Returns
    -------
    dict
        Commune index -> (the district border inside it, rounded to
        :data:`slmap.base.simplify.PRECISION` decimals; indices into ``districts``
        of the districts it lies in).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> d = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 2), box(1, 0, 3, 2)])
    >>> line, ds = straddling_lines(np.array([box(0.5, 0.5, 2, 1.5)]), d, 0)[0]
    >>> line.wkt, ds
    ('LINESTRING (1 0.5, 1 1.5)', [0, 1])
    """
    if districts is None or not len(districts) or not len(geoms):
        return {}
    outlines = np.asarray(districts.geometry.values, dtype=object)
    out = {}
    measured = geoms if originals is None else np.asarray(originals, dtype=object)
    index = {key: i for i, key in enumerate(_district_keys(districts))}
    own_ix = np.array([index.get(key, -1) for key in own or [None] * len(geoms)], dtype=np.int64)
    for c, shares in _shares(measured, outlines, own_ix).items():
        inside = sorted(d for d, share in shares if share >= STRADDLE_SHARE)
        if len(inside) < 2:
            continue
        borders = [
            shapely.intersection(shapely.boundary(outlines[a]), shapely.boundary(outlines[b]))
            for i, a in enumerate(inside)
            for b in inside[i + 1 :]
        ]
        line = shapely.line_merge(shapely.intersection(shapely.union_all(borders), geoms[c]))
        pieces = [p for p in shapely.get_parts(line) if p.geom_type == "LineString"]
        pieces = [p for p in pieces if p.length > max(4 * tolerance, 4 * QUANTUM)]
        if pieces:
            simple = shapely.simplify(shapely.MultiLineString(pieces), tolerance)
            out[c] = (round_coords([simple])[0], inside)
    return out


def _snap_ends(geoms: np.ndarray, lines: list[BaseGeometry]) -> np.ndarray:
    """Put the end points of ``lines`` into the commune rings they lie on."""
    ends = [shapely.get_coordinates(p)[[0, -1]] for ln in lines for p in shapely.get_parts(ln)]
    if not ends:
        return geoms
    points = shapely.MultiPoint(np.concatenate(ends))
    return shapely.snap(geoms, points, 2 * QUANTUM)


def _side_districts(topo, codes, straddles, districts) -> list[list[Any]]:
    """District on each side of each arc (one entry per polygon using it)."""
    outlines = None if districts is None else np.asarray(districts.geometry.values, object)
    keys = None if districts is None else _district_keys(districts)

    def side(arc: int, user: int) -> Any:
        if user not in straddles:
            return codes[user]
        xy = topo.arc_coordinates(arc)
        mid = shapely.line_interpolate_point(shapely.LineString(xy), 0.5, normalized=True)
        return keys[min(straddles[user][1], key=lambda d: outlines[d].distance(mid))]

    sides = [[side(i, u) for u in users] for i, users in enumerate(topo.arc_users())]
    return sides


def page_topology(model: Any, properties: list[dict[str, Any]], tolerance: float) -> dict[str, Any]:
    """The communes (with ``properties``) and outlines of ``model`` as TopoJSON.

    Parameters
    ----------
    model : slmap.model.CoverageModel
        Communes (with ``district_code``), optional districts and province.
    properties : list of dict
        One dict per commune, in the communes' order.
    tolerance : float
        Simplification tolerance in degrees (0 keeps every vertex).

    Returns
    -------
    dict
        A TopoJSON document with the object ``communes`` (one geometry per
        commune) and, when the model has them, ``districts`` and ``province``
        (multi-lines made of the communes' arcs and the extra arcs).
    """
    communes = model.communes
    geoms = simplify_coverage(communes.geometry.values, tolerance)
    has_districts = getattr(model, "districts", None) is not None and len(model.districts)
    keys = _district_keys(communes)
    straddles = (
        straddling_lines(geoms, model.districts, tolerance, communes.geometry.values, keys)
        if has_districts
        else {}
    )
    extra = [line for line, _ in straddles.values()]
    if extra:
        geoms = _snap_ends(geoms, extra)
    topo = build_topology(geoms, lines=extra)
    objects: dict[str, Any] = {"communes": properties}
    if has_districts:
        sides = _side_districts(topo, keys, straddles, model.districts)
        # outer edge (one side) or two districts; the extra lines have no sides here
        refs = [i for i, s in enumerate(sides) if len(s) == 1 or len(set(s)) > 1]
        refs += [ref for parts in topo.lines for part in parts for ref in part]
        objects["districts"] = lines_object(refs)
    if getattr(model, "province", None) is not None and len(model.province):
        users = topo.arc_users()
        objects["province"] = lines_object([i for i, u in enumerate(users) if len(u) == 1])
    return to_json(topo, objects)
