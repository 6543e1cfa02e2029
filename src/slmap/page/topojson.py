"""Shared borders stored once: polygon layers as a quantised TopoJSON topology.

Neighbouring communes share their borders, and a GeoJSON layer stores every
shared border twice (once in each neighbour). A topology stores each border
once, as an *arc*: rings are cut at their junctions (the points where the set
of neighbours changes), identical arcs are kept once, and a polygon lists the
arcs of its rings (``~i`` is arc ``i`` walked backwards). Coordinates are
quantised to a grid of :data:`QUANTUM` degrees (1e-5° is 1.11 m north–south
and 1.04 m east–west at Sơn La's 21° N) and every arc after its first point
is written as steps from the previous point, so the numbers stay short.

The output follows the TopoJSON 1.0 specification (``"type": "Topology"``
with a ``transform``), so a maintained decoder reads it: the map page uses the
vendored ``topojson-client``; :func:`decode` is a small reader in Python.

Input polygons should already share their borders vertex for vertex (a
coverage, see :func:`slmap.base.simplify.simplify_coverage`): borders that differ
by a vertex become separate arcs, which decode correctly but are stored twice.

Examples
--------
>>> from shapely import box
>>> topo = build_topology([box(0, 0, 1, 1), box(1, 0, 2, 1)], step=0.5)
>>> len(topo.arcs), topo.polygons
(3, [[[[0, 1]]], [[[-1, 2]]]])
>>> [len(users) for users in topo.arc_users()]
[2, 1, 1]
>>> [g.area for g in decode(to_json(topo, {"cells": [{}, {}]}), "cells")]
[1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "QUANTUM",
    "Topology",
    "build_topology",
    "decode",
    "geometry_object",
    "lines_object",
    "to_json",
]

#: Grid step of the quantised coordinates, in degrees (about 1.1 m).
QUANTUM = 1e-5


@dataclass
class Topology:
    """Arcs and the polygons and lines made of them.

    Attributes
    ----------
    origin : tuple of float
        Longitude and latitude of quantised point (0, 0).
    step : float
        Size of one quantisation step, in degrees.
    arcs : list of numpy.ndarray
        Every arc as an ``(n, 2)`` array of absolute quantised coordinates.
    polygons : list
        Per input polygon: its parts, each a list of rings, each a list of arc
        references (``i`` forwards, ``~i`` backwards). An empty list for an
        empty geometry.
    lines : list
        Per input line: its parts, each a list of arc references.
    """

    origin: tuple[float, float]
    step: float
    arcs: list[np.ndarray] = field(default_factory=list)
    polygons: list[list[list[list[int]]]] = field(default_factory=list)
    lines: list[list[list[int]]] = field(default_factory=list)

    def arc_users(self) -> list[list[int]]:
        """Indices of the polygons that use each arc (once per use).

        An arc used once lies on the outer edge of the layer (or along a gap);
        an arc used twice is a border between two polygons.
        """
        users: list[list[int]] = [[] for _ in self.arcs]
        for index, parts in enumerate(self.polygons):
            for ring in (ring for part in parts for ring in part):
                for ref in ring:
                    users[ref if ref >= 0 else ~ref].append(index)
        return users

    def arc_coordinates(self, ref: int) -> np.ndarray:
        """Longitude/latitude of arc ``ref`` (``~i`` reversed), as floats."""
        arc = self.arcs[ref if ref >= 0 else ~ref]
        if ref < 0:
            arc = arc[::-1]
        return arc * self.step + np.asarray(self.origin)


def _ring_table(polygons: np.ndarray, origin: np.ndarray, step: float):
    """Every polygon ring as quantised points without the closing repeat.

    Returns the quantised points ``(n, 2)``, the ring of each point, and per
    ring its polygon, part and position in the part (0 = exterior).
    """
    parts, part_poly = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    # position of each ring inside its part (the exterior comes first)
    starts = np.r_[0, np.flatnonzero(np.diff(ring_part)) + 1]
    counts = np.diff(np.r_[starts, len(ring_part)])
    ring_pos = np.arange(len(ring_part)) - np.repeat(starts, counts)
    coords, point_ring = shapely.get_coordinates(rings, return_index=True)
    grid = np.rint((coords - origin) / step).astype(np.int64)
    # drop the closing point and any point equal to the one before it in its ring
    last = np.r_[point_ring[1:] != point_ring[:-1], True]
    same = np.r_[False, (grid[1:] == grid[:-1]).all(axis=1) & (point_ring[1:] == point_ring[:-1])]
    keep = ~last & ~same
    return grid[keep], point_ring[keep], part_poly[ring_part], ring_part, ring_pos


def _count_distinct(first: np.ndarray, second: np.ndarray, n: int) -> np.ndarray:
    """Per value of ``first`` (0..n-1): how many distinct ``second`` values go with it."""
    order = np.lexsort((second, first))
    a, b = first[order], second[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return np.bincount(a[new], minlength=n)


def _junctions(pid: np.ndarray, point_ring: np.ndarray, n_points: int) -> np.ndarray:
    """True for every point whose neighbours differ between its occurrences."""
    starts = np.flatnonzero(np.diff(point_ring, prepend=-1))
    ends = np.append(starts[1:], len(pid))
    idx = np.arange(len(pid))
    ring_of = np.repeat(np.arange(len(starts)), ends - starts)
    nxt = np.where(idx + 1 == ends[ring_of], starts[ring_of], idx + 1)
    prv = np.where(idx == starts[ring_of], ends[ring_of] - 1, idx - 1)
    a, b = pid[prv], pid[nxt]
    pair = np.minimum(a, b) * np.int64(n_points) + np.maximum(a, b)
    junction = _count_distinct(pid, pair, n_points) > 1
    # a point visited twice by the same ring (the ring touches itself) is a junction too
    rings = _count_distinct(pid, ring_of, n_points)
    return junction | (np.bincount(pid, minlength=n_points) > rings)


class _ArcStore:
    """Arcs kept once: an arc met again (either way round) gets its first index."""

    def __init__(self, points: np.ndarray) -> None:
        self.points = points
        self.arcs: list[np.ndarray] = []
        self.keys: dict[tuple[int, int, int], list[int]] = {}

    def add(self, pids: np.ndarray) -> int:
        forward = (int(pids[0]), int(pids[1]), int(pids[-1]))
        backward = (int(pids[-1]), int(pids[-2]), int(pids[0]))
        for key, sign in ((forward, 1), (backward, -1)):
            for i in self.keys.get(key, ()):
                if np.array_equal(self.arcs[i], pids[::sign]):
                    return i if sign > 0 else ~i
        self.keys.setdefault(forward, []).append(len(self.arcs))
        self.arcs.append(pids)
        return len(self.arcs) - 1


def _cut_ring(ring: np.ndarray, junction: np.ndarray, store: _ArcStore) -> list[int]:
    """Arc references of one closed ring (point ids without the closing repeat)."""
    cuts = np.flatnonzero(junction[ring])
    twice = np.concatenate((ring, ring))
    if not len(cuts):  # no junction: start at the smallest id, as any twin ring does
        start = int(np.argmin(ring))
        return [store.add(twice[start : start + len(ring) + 1])]
    bounds = np.append(cuts, cuts[0] + len(ring)).tolist()
    return [store.add(twice[bounds[k] : bounds[k + 1] + 1]) for k in range(len(cuts))]


def build_topology(
    polygons: Sequence[BaseGeometry | None] | np.ndarray,
    *,
    lines: Sequence[BaseGeometry | None] | np.ndarray = (),
    step: float = QUANTUM,
) -> Topology:
    """Cut polygons (and extra lines) into shared, quantised arcs.

    Parameters
    ----------
    polygons : sequence of shapely geometries
        Polygons or multipolygons (a coverage: neighbours share borders vertex
        for vertex); ``None`` or empty for a unit without geometry.
    lines : sequence of shapely geometries, optional
        Lines stored with the polygons (e.g. a district border inside a
        commune). Their end points become junctions of the polygon rings that
        have a vertex there, so arcs on either side of them can be told apart.
    step : float, default :data:`QUANTUM`
        Quantisation step in degrees; points closer than this merge.

    Returns
    -------
    Topology
        Rings that collapse to fewer than three points on the grid vanish.

    Examples
    --------
    >>> from shapely import LineString, box
    >>> topo = build_topology([box(0, 0, 2, 1)], lines=[LineString([(1, 0), (1, 1)])], step=1)
    >>> topo.polygons, topo.lines
    ([[[[0]]]], [[[1]]])
    """
    polys = np.array([shapely.Polygon() if g is None else g for g in polygons], dtype=object)
    extra = np.array([shapely.LineString() if g is None else g for g in lines], dtype=object)
    everything = np.r_[polys, extra]
    bounds = shapely.total_bounds(everything) if len(everything) else np.zeros(4)
    finite = np.isfinite(bounds[:2]).all()
    origin = np.floor(bounds[:2] / step) * step if finite else np.zeros(2)
    topo = Topology(origin=(float(origin[0]), float(origin[1])), step=step)
    grid, point_ring, ring_poly, ring_part, ring_pos = _ring_table(polys, origin, step)
    line_parts, line_of = shapely.get_parts(extra, return_index=True)
    line_xy, line_part = shapely.get_coordinates(line_parts, return_index=True)
    line_grid = np.rint((line_xy - origin) / step).astype(np.int64)
    both = np.concatenate((grid, line_grid))
    packed, pid = np.unique((both[:, 0] << 32) + both[:, 1], return_inverse=True)
    keys = np.column_stack((packed >> 32, packed & 0xFFFFFFFF))
    pid = pid.ravel()
    ring_pid, line_pid = pid[: len(grid)], pid[len(grid) :]
    junction = _junctions(ring_pid, point_ring, len(keys)) if len(grid) else np.zeros(0, bool)
    junction = np.r_[junction, np.zeros(len(keys) - len(junction), bool)]
    if len(line_part):
        firsts = np.r_[0, np.flatnonzero(np.diff(line_part)) + 1]
        junction[line_pid[np.r_[firsts, firsts[1:] - 1, len(line_part) - 1]]] = True
    store = _ArcStore(keys)
    topo.polygons = _polygon_refs(len(polys), ring_pid, point_ring, ring_poly, ring_part,
                                  ring_pos, junction, store)  # fmt: skip
    topo.lines = [[] for _ in range(len(extra))]
    for part in np.unique(line_part):
        pids = line_pid[line_part == part]
        pids = pids[np.r_[True, pids[1:] != pids[:-1]]]
        if len(pids) >= 2:
            topo.lines[line_of[part]].append([_line_arc(pids, store)])
    topo.arcs = [keys[a] for a in store.arcs]
    return topo


def _line_arc(pids: np.ndarray, store: _ArcStore) -> int:
    store.arcs.append(pids)
    return len(store.arcs) - 1


def _polygon_refs(n, ring_pid, point_ring, ring_poly, ring_part, ring_pos, junction, store):
    """Arc references of every polygon: polygon -> parts -> rings -> arcs."""
    out: list[list[list[list[int]]]] = [[] for _ in range(n)]
    starts = np.r_[0, np.flatnonzero(np.diff(point_ring)) + 1]
    ends = np.r_[starts[1:], len(point_ring)]
    skipped_part = -1
    for start, end in zip(starts, ends, strict=True):
        ring = int(point_ring[start])
        if ring_part[ring] == skipped_part:
            continue
        if end - start < 3:  # collapsed on the grid; a collapsed exterior drops its part
            skipped_part = ring_part[ring] if ring_pos[ring] == 0 else skipped_part
            continue
        refs = _cut_ring(ring_pid[start:end], junction, store)
        parts = out[ring_poly[ring]]
        if ring_pos[ring] == 0:
            parts.append([refs])
        else:
            parts[-1].append(refs)
    return out


def geometry_object(parts: list[list[list[int]]], **extra: Any) -> dict[str, Any]:
    """A TopoJSON polygon geometry object from arc references.

    Examples
    --------
    >>> geometry_object([[[0]]], properties={"code": "04000"})
    {'type': 'Polygon', 'arcs': [[0]], 'properties': {'code': '04000'}}
    >>> geometry_object([])["type"] is None
    True
    """
    if not parts:
        return {"type": None, **extra}
    if len(parts) == 1:
        return {"type": "Polygon", "arcs": parts[0], **extra}
    return {"type": "MultiPolygon", "arcs": parts, **extra}


def lines_object(refs: Sequence[int]) -> dict[str, Any]:
    """A TopoJSON geometry collection of one multi-line made of ``refs``.

    Examples
    --------
    >>> lines_object([3, ~1])
    {'type': 'GeometryCollection', 'geometries': [{'type': 'MultiLineString', 'arcs': [[3], [-2]]}]}
    """
    return {
        "type": "GeometryCollection",
        "geometries": [{"type": "MultiLineString", "arcs": [[int(r)] for r in refs]}],
    }


def to_json(topo: Topology, objects: dict[str, Any]) -> dict[str, Any]:
    """The TopoJSON document: delta-coded arcs and named objects.

    ``objects`` maps a name either to a ready TopoJSON object or to a list of
    property dicts, one per polygon of ``topo`` (a collection of the polygons
    with those properties).
    """
    out: dict[str, Any] = {}
    for name, value in objects.items():
        if isinstance(value, list):
            value = {
                "type": "GeometryCollection",
                "geometries": [
                    geometry_object(parts, properties=props)
                    for parts, props in zip(topo.polygons, value, strict=True)
                ],
            }
        out[name] = value
    arcs: list[Any] = []
    if topo.arcs:  # delta-code all arcs at once: each first point stays absolute
        lengths = np.array([len(arc) for arc in topo.arcs])
        flat = np.concatenate(topo.arcs)
        steps = np.diff(flat, axis=0, prepend=flat[:1])
        firsts = np.cumsum(lengths) - lengths
        steps[firsts] = flat[firsts]
        points = steps.tolist()
        arcs = [
            points[a:b] for a, b in zip(firsts.tolist(), (firsts + lengths).tolist(), strict=True)
        ]
    return {
        "type": "Topology",
        "transform": {"scale": [topo.step, topo.step], "translate": list(topo.origin)},
        "objects": out,
        "arcs": arcs,
    }


def _decoded_arcs(document: dict[str, Any]) -> list[np.ndarray]:
    scale = np.asarray(document["transform"]["scale"], dtype=float)
    shift = np.asarray(document["transform"]["translate"], dtype=float)
    return [
        np.cumsum(np.asarray(a, dtype=np.int64), axis=0) * scale + shift for a in document["arcs"]
    ]


def _chain(arcs: list[np.ndarray], refs: Sequence[int]) -> np.ndarray:
    pieces = [arcs[r] if r >= 0 else arcs[~r][::-1] for r in refs]
    return np.concatenate([pieces[0], *(p[1:] for p in pieces[1:])])


def _polygon(arcs: list[np.ndarray], rings: list[list[int]]) -> shapely.Polygon:
    return shapely.Polygon(_chain(arcs, rings[0]), [_chain(arcs, r) for r in rings[1:]])


def decode(document: dict[str, Any], name: str) -> list[BaseGeometry]:
    """Shapely geometries of object ``name`` of a TopoJSON document (one per geometry).

    A small reader for checks and tests: polygons, multipolygons, lines and
    multi-lines; a geometry of type ``null`` decodes to an empty polygon.

    Examples
    --------
    >>> from shapely import box
    >>> doc = to_json(build_topology([box(0, 0, 1, 1)], step=0.25), {"a": [{}]})
    >>> decode(doc, "a")[0].equals(box(0, 0, 1, 1))
    True
    """
    arcs = _decoded_arcs(document)
    obj = document["objects"][name]
    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    out: list[BaseGeometry] = []
    for geom in geometries:
        kind, refs = geom["type"], geom.get("arcs")
        if kind == "Polygon":
            out.append(_polygon(arcs, refs))
        elif kind == "MultiPolygon":
            out.append(shapely.MultiPolygon([_polygon(arcs, p) for p in refs]))
        elif kind == "LineString":
            out.append(shapely.LineString(_chain(arcs, refs)))
        elif kind == "MultiLineString":
            out.append(shapely.MultiLineString([_chain(arcs, r) for r in refs]))
        else:
            out.append(shapely.Polygon())
    return out
