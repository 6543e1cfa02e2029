"""Approximate communes of an older layout, split out of the 2025 communes.

The only boundaries at hand offline are in the 2025 layout (75 communes for
Sơn La), and conversion runs forward only. To draw an older layout anyway
(``"2023"``: 204 communes; ``"2025-03"``: 200), each real 2025 commune is
split among the former units that went into it:

* the members of a 2025 commune are the former units whose default
  destination it is (:func:`slmap.admin.crosswalks.crosswalk`);
* each member with an official centre (``layouts.units(layout)`` lon/lat) is
  a Voronoi seed; the cells are clipped to the 2025 commune, so the pieces
  tile it without gaps or overlaps and never cross into a neighbour;
* a member with no official centre of its own (the registry only has centres
  of the 2025-03 units, so the units Resolution 1280 removed have none), or
  whose centre is the very point of another member, or whose cell is empty,
  shares the cell of its host: the unit that took its territory in the act
  (its default destination in the 2025-03 layout) when that unit is a member
  with a cell, else the member with the nearest seed, else the largest cell.
  The shared cell is cut into equal-area strips across its longer side; the
  host keeps the strip nearest its centre. Where the line lies is not known:
  these units carry ``centre = "shared"`` and ``shared_with`` (the host).

No coordinate is made up: seeds are official centres only, and the shares of
a cell are said to be shares. Every row has ``approximate = True``.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.admin import crosswalks, layouts
from slmap.base.errors import InputError, Problem
from slmap.base.simplify import clean_coverage

__all__ = [
    "METRIC_CRS",
    "equal_area_strips",
    "older_layout_communes",
    "split_commune",
    "voronoi_cells",
]

#: Planar CRS of the split (UTM 48N: Sơn La), so Voronoi and equal areas are in metres.
METRIC_CRS = "EPSG:32648"
_BISECT_STEPS = 60


def voronoi_cells(polygon: shapely.Geometry, seeds: np.ndarray) -> list[shapely.Geometry]:
    """Voronoi cells of ``seeds`` clipped to ``polygon``, in seed order.

    Parameters
    ----------
    polygon : shapely Polygon or MultiPolygon
    seeds : array of shape (n, 2)
        Distinct points, in the coordinates of ``polygon``.

    Returns
    -------
    list of shapely geometry
        One piece per seed (possibly empty); together they tile ``polygon``.

    Examples
    --------
    >>> cells = voronoi_cells(shapely.box(0, 0, 2, 1), np.array([[0.5, 0.5], [1.5, 0.5]]))
    >>> [c.bounds for c in cells]
    [(0.0, 0.0, 1.0, 1.0), (1.0, 0.0, 2.0, 1.0)]
    """
    seeds = np.asarray(seeds, dtype=float).reshape(-1, 2)
    if len(seeds) == 1:
        return [polygon]
    frame = shapely.box(*polygon.bounds).union(shapely.multipoints(seeds).envelope)
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=shapely.buffer(frame, 1.0), ordered=True
    )
    cells = shapely.get_parts(diagram)
    return [_polygonal(shapely.intersection(polygon, cell)) for cell in cells]


def equal_area_strips(polygon: shapely.Geometry, k: int) -> list[shapely.Geometry]:
    """Cut ``polygon`` into ``k`` strips of equal area across its longer side.

    The strips run perpendicular to the longer side of the bounding box and
    are returned from its low end (west or south) to its high end.

    Examples
    --------
    >>> strips = equal_area_strips(shapely.box(0, 0, 3, 1), 3)
    >>> [round(s.area, 6) for s in strips], [s.bounds[0] for s in strips]
    ([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])
    """
    if k <= 1:
        return [polygon]
    x0, y0, x1, y1 = polygon.bounds
    along_x = (x1 - x0) >= (y1 - y0)
    lo, hi = (x0, x1) if along_x else (y0, y1)

    def below(t: float) -> shapely.Geometry:
        box = (x0, y0, t, y1) if along_x else (x0, y0, x1, t)
        return shapely.clip_by_rect(polygon, *box)

    total = polygon.area
    cuts = [lo]
    for j in range(1, k):
        a, b = cuts[-1], hi
        for _ in range(_BISECT_STEPS):
            mid = (a + b) / 2
            a, b = (mid, b) if below(mid).area < total * j / k else (a, mid)
        cuts.append((a + b) / 2)
    cuts.append(hi)
    strips = []
    for start, end in itertools.pairwise(cuts):
        box = (start, y0, end, y1) if along_x else (x0, start, x1, end)
        if end == hi:  # the last strip takes everything up to the edge, exactly
            box = (start, y0, x1, y1) if along_x else (x0, start, x1, y1)
        strips.append(_polygonal(shapely.clip_by_rect(polygon, *box)))
    return strips


def split_commune(polygon: shapely.Geometry, members: pd.DataFrame) -> pd.DataFrame:
    """Split one commune among its former units.

    Parameters
    ----------
    polygon : shapely Polygon or MultiPolygon
        The newer commune, in planar coordinates.
    members : DataFrame
        One row per former unit: ``code``, ``x``, ``y`` (its official centre
        in the coordinates of ``polygon``; NaN when it has none) and ``host``
        (the code of the unit that took its territory, or NA).

    Returns
    -------
    DataFrame
        ``code``, ``geometry``, ``centre`` ("official": the Voronoi cell of
        its own centre, or the whole commune when it is the only member;
        "shared": an equal-area strip of a cell held by several members) and
        ``shared_with`` (the code of the member whose cell it shares, NA for
        that member itself). Same order as ``members``.

    Examples
    --------
    >>> m = pd.DataFrame({"code": ["a", "b", "c"], "x": [0.5, 1.5, np.nan],
    ...                   "y": [0.5, 0.5, np.nan], "host": [None, None, "b"]})
    >>> out = split_commune(shapely.box(0, 0, 2, 1), m)
    >>> [(r.code, round(r.geometry.area, 3), r.centre) for r in out.itertuples()]
    [('a', 1.0, 'official'), ('b', 0.5, 'shared'), ('c', 0.5, 'shared')]
    """
    codes = members["code"].tolist()
    xy = members[["x", "y"]].to_numpy(float)
    owner = _seed_owners(codes, xy)
    seeded = [c for c in codes if owner[c] == c]
    cells = {}
    if seeded:
        seeds = np.array([xy[codes.index(c)] for c in seeded])
        cells = dict(zip(seeded, voronoi_cells(polygon, seeds), strict=True))
    empty = [c for c in seeded if cells[c].is_empty]
    for code in empty:
        del cells[code]
    if not cells:  # no member has a usable centre: the first one holds the whole commune
        cells = {codes[0]: polygon}
    hosts = dict(zip(codes, members["host"], strict=True))
    for code in codes:
        if code not in cells:
            owner[code] = _host(code, owner, hosts, cells, xy[codes.index(code)], xy, codes)
    rows = {}
    for holder, cell in cells.items():
        sharers = [holder, *sorted(c for c in codes if c != holder and owner[c] == holder)]
        strips = _shares(cell, xy[codes.index(holder)], len(sharers))
        for code, piece in zip(sharers, strips, strict=True):
            centre = "shared" if len(sharers) > 1 else "official"
            rows[code] = (piece, centre, None if code == holder else holder)
    out = pd.DataFrame(
        [(c, *rows[c]) for c in codes], columns=["code", "geometry", "centre", "shared_with"]
    )
    out["shared_with"] = out["shared_with"].astype("string")
    return out


def _seed_owners(codes: list[str], xy: np.ndarray) -> dict[str, str | None]:
    """Each member's seed holder: itself, the first member at the same point, or None."""
    owner: dict[str, str | None] = {}
    seen: dict[tuple[float, float], str] = {}
    for code, (x, y) in zip(codes, xy, strict=True):
        if np.isnan(x) or np.isnan(y):
            owner[code] = None
            continue
        key = (round(float(x), 1), round(float(y), 1))
        owner[code] = seen.setdefault(key, code)
    return owner


def _host(code, owner, hosts, cells, point, xy, codes) -> str:
    """The cell a member without a cell of its own shares (see the module notes)."""
    if owner.get(code) in cells:
        return owner[code]
    host = hosts.get(code)
    for _ in range(len(codes)):  # follow the act's chain: a host may share a cell itself
        if host in cells:
            return host
        if host not in owner or owner[host] is None or owner[host] == host:
            break
        host = owner[host]
    holders = list(cells)
    if not np.isnan(point).any():
        seeds = np.array([xy[codes.index(h)] for h in holders])
        if not np.isnan(seeds).any():
            return holders[int(np.argmin(((seeds - point) ** 2).sum(1)))]
    return max(holders, key=lambda h: cells[h].area)


def _shares(cell: shapely.Geometry, seed: np.ndarray, k: int) -> list[shapely.Geometry]:
    """``k`` equal-area strips of ``cell``, the one nearest ``seed`` first."""
    strips = equal_area_strips(cell, k)
    if k == 1 or np.isnan(seed).any():
        return strips
    near = int(np.argmin([s.distance(shapely.Point(seed)) for s in strips]))
    return [strips[near], *strips[:near], *strips[near + 1 :]]


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep the areal parts of ``geom`` (an overlay may add lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _members(layout: str, codes: pd.Index, province: str) -> pd.DataFrame:
    """Former units of ``layout`` per 2025 commune, with centre and act host."""
    units = layouts.units(layout, province).set_index("commune_code")
    cw = crosswalks.crosswalk(layout, "2025", province)
    default = cw[cw["default"]].set_index("old_code")["new_code"]
    step = crosswalks.crosswalk(layout, "2025-03", province)
    host = step[step["default"] & (step["old_code"] != step["new_code"])]
    members = pd.DataFrame(
        {
            "code": units.index,
            "new_code": default.reindex(units.index).to_numpy(),
            "lon": units["lon"].to_numpy(float),
            "lat": units["lat"].to_numpy(float),
        }
    )
    members["host"] = members["code"].map(host.set_index("old_code")["new_code"])
    members["drawn"] = members["new_code"].isin(codes)
    return members


def older_layout_communes(
    communes: gpd.GeoDataFrame, layout: str, province: str = "14"
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Draw an older layout approximately by splitting 2025 communes among their former units.

    Parameters
    ----------
    communes : GeoDataFrame
        Communes of the 2025 layout: ``commune_code`` and ``geometry``
        (EPSG:4326 or any CRS). Slivers and overlaps are cleaned first.
    layout : str
        The older layout to draw: "2023" or "2025-03" (or an alias).
    province : str
        GSO province code.

    Returns
    -------
    communes : GeoDataFrame
        EPSG:4326, one row per former unit whose 2025 commune is present,
        sorted by code: ``feature``, ``commune_code``, ``commune_name``,
        ``commune_type``, ``parent_name`` (district), ``approximate`` (True),
        ``centre`` ("official" or "shared"), ``shared_with`` and ``geometry``.
        The pieces tile the 2025 communes given.
    problems : list of Problem
        Warnings: how the split was made, the units that share a cell, the
        units not drawn because their 2025 commune is missing.

    Raises
    ------
    InputError
        ``layout`` is not older than 2025, or ``communes`` has no 2025 code.

    Examples
    --------
    >>> from slmap.admin.approx import approximate_communes
    >>> c2023, notes = older_layout_communes(approximate_communes("14"), "2023")
    >>> len(c2023), bool(c2023["approximate"].all()), int((c2023["centre"] == "shared").sum())
    (204, True, 12)
    """
    lid = layouts.layout_id(layout)
    if not layouts.is_older(lid, "2025"):
        raise InputError(f"layout {layout!r} is not older than 2025; expected 2023 or 2025-03")
    given = communes[communes["commune_code"].isin(layouts.units("2025", province).commune_code)]
    if given.empty:
        raise InputError("no commune of the 2025 layout to split; expected 2025 commune codes")
    from slmap.sources import cache

    given = given[["commune_code", given.geometry.name]]
    parts = {"function": "older_layout_communes", "communes": given, "layout": lid}
    parts["province"] = province
    about = f"approximate {lid} communes split from {len(given)} communes of province {province}"
    return cache.cached_geoframe("approx", parts, lambda: _split(given, lid, province), about)


def _split(
    given: gpd.GeoDataFrame, lid: str, province: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """:func:`older_layout_communes` itself, on the 2025 communes ``given``."""
    given = given.drop_duplicates("commune_code").to_crs(METRIC_CRS)
    geoms = clean_coverage(shapely.make_valid(given.geometry.to_numpy()), gap_width=200.0)
    geoms = [_polygonal(g) for g in geoms]
    members = _members(lid, pd.Index(given["commune_code"]), province)
    x, y = (
        gpd.GeoSeries(gpd.points_from_xy(members["lon"], members["lat"]), crs=4326)
        .to_crs(METRIC_CRS)
        .pipe(lambda s: (s.x.to_numpy(), s.y.to_numpy()))
    )
    members["x"], members["y"] = x, y
    parts = []
    for code, geom in zip(given["commune_code"], geoms, strict=True):
        group = members[members["new_code"] == code]
        if len(group):
            parts.append(split_commune(geom, group.reset_index(drop=True)))
    pieces = pd.concat(parts, ignore_index=True)
    out = _frame(pieces, lid, province)
    return out, _problems(out, members, lid)


def _frame(pieces: pd.DataFrame, lid: str, province: str) -> gpd.GeoDataFrame:
    units = layouts.units(lid, province).set_index("commune_code")
    pieces = pieces.sort_values("code", kind="stable").reset_index(drop=True)
    geo = gpd.GeoSeries(pieces["geometry"].to_numpy(), crs=METRIC_CRS).to_crs(4326)
    geoms = clean_coverage(geo.to_numpy(), gap_width=1e-7)
    rows = units.reindex(pieces["code"])
    return gpd.GeoDataFrame(
        {
            "feature": range(1, len(pieces) + 1),
            "commune_code": pd.array(pieces["code"], dtype="string"),
            "commune_name": rows["commune_name"].to_numpy(),
            "commune_type": rows["commune_type"].to_numpy(),
            "parent_name": rows["district_name"].to_numpy(),
            "approximate": True,
            "centre": pieces["centre"].to_numpy(),
            "shared_with": pd.array(pieces["shared_with"], dtype="string"),
        },
        geometry=[_polygonal(g) for g in geoms],
        crs=4326,
    )


def _problems(out: gpd.GeoDataFrame, members: pd.DataFrame, lid: str) -> list[Problem]:
    source = f"approximate {lid} layout"
    problems = []
    shared = out[out["centre"] == "shared"]
    if len(shared):
        listing = ", ".join(
            f"{r.commune_code} {r.commune_name}"
            + (f" (in the cell of {r.shared_with})" if isinstance(r.shared_with, str) else "")
            for r in shared.itertuples()
        )
        problems.append(
            Problem(
                source,
                f"{len(shared)} unit(s) of the {lid} layout have no official centre of their own "
                "(removed by Resolution 1280, or placed by the registry on another unit's "
                "centre): each shares the cell of the unit that took its territory, cut into "
                f"equal-area strips whose line is not known: {listing}",
                column="geometry",
                severity="warning",
                kind="shared_cell",
            )
        )
    missing = members[~members["drawn"]]
    if len(missing):
        problems.append(
            Problem(
                source,
                f"{len(missing)} unit(s) of the {lid} layout are not drawn: the 2025 commune they "
                "went into is missing from the boundaries: " + ", ".join(missing["code"]),
                column="geometry",
                severity="warning",
                kind="not_drawable",
            )
        )
    return problems
