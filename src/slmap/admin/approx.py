"""Approximate commune boundaries built offline from the official registry.

The last fallback of the boundary search: when no boundary file, data folder or
download is available, slmap draws *approximate* communes from the registry
package ``vietnamadminunits`` alone (nothing else is shipped or read):

* every commune's official centre point is a Voronoi seed;
* for the 2025 layout, the centres of the former communes merged into it (the
  registry's old-to-new conversion) are extra seeds with the same label, which
  gives the merged commune a far better shape than one seed;
* a ring of seeds at ``0.3 * sqrt(area / pi)`` around each centre weights the
  cell by the commune's stated area (an exact, overlap-free stand-in for a
  power diagram);
* cells are computed over every commune near the requested provinces at once,
  so neighbouring provinces never overlap, then dissolved per commune and
  clipped to an outline made of the former communes' bounding boxes joined
  with a disk of each commune's stated area.

Every row carries ``approximate=True`` and the frame's ``attrs`` say so too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from slmap.admin import conversion_2025, registry
from slmap.base.errors import InputError, Problem

__all__ = ["APPROX_METHODS", "approximate_communes", "iou_by_commune"]

logger = logging.getLogger(__name__)

#: Methods accepted by :func:`approximate_communes`, simplest first.
APPROX_METHODS = ("voronoi", "multiseed", "weighted")

_LAYOUTS = ("2025", "legacy")
_SOURCE = "registry (vietnamadminunits)"
_RING_FRACTION = 0.3  # ring radius as a fraction of sqrt(stated area / pi)
_RING_POINTS = 6
_WINDOW_M = 100_000.0  # seeds this far around the requested communes shape their cells
_MIN_DISK_M = 1_000.0
_JITTER_M = 500.0  # legacy communes sharing one geocoded centre are spread this far


def _registry_frame(layout: str) -> pd.DataFrame:
    """The registry's raw table of ``layout`` (a seam the tests replace)."""
    return registry.units(layout)


def _former_labels(new: pd.DataFrame, old: pd.DataFrame) -> np.ndarray:
    """Index into ``new`` of the 2025 commune each former commune fully went to (-1 if split)."""
    table = conversion_2025.conversion_table()
    targets = table.groupby("old_code")["new_code"].nunique()
    whole = table[table["old_code"].map(targets).eq(1) & ~table["split"]]
    target = whole.drop_duplicates("old_code").set_index("old_code")["new_code"]
    position = {code: i for i, code in enumerate(new["wardCode"])}
    return np.array(
        [position.get(target.get(code), -1) for code in old["wardCode"]], dtype=np.int64
    )


def _parse_bounds(text: pd.Series) -> np.ndarray:
    """Parse registry bounds ``"lat,lon – lat,lon"`` into (minlon, minlat, maxlon, maxlat)."""
    parts = text.str.replace("–", ",", regex=False).str.split(",", expand=True).astype(float)
    lat = parts[[0, 2]].to_numpy()
    lon = parts[[1, 3]].to_numpy()
    return np.column_stack([lon.min(1), lat.min(1), lon.max(1), lat.max(1)])


def _normalise_codes(province_codes: Iterable[str] | str | int, known: list[str]) -> list[str]:
    """Turn ``"14"``, ``14``, ``["14", "11"]`` or ``"all"`` into sorted known codes."""
    if isinstance(province_codes, (str, int)):
        province_codes = [province_codes]
    codes = [str(c).strip() for c in province_codes]
    if any(c.lower() == "all" for c in codes):
        return sorted(known)
    codes = sorted({c.zfill(2) for c in codes})
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        problems = [
            Problem(
                _SOURCE,
                f"unknown province code {c!r}; expected one of {', '.join(known)}",
                column="province",
                kind="unknown_code",
            )
            for c in unknown or ["(none)"]
        ]
        raise InputError("unknown province code(s) for approximate boundaries", problems)
    return codes


def _utm(lon: np.ndarray, lat: np.ndarray) -> pyproj.CRS:
    """UTM CRS of the zone holding the mean longitude."""
    zone = int(np.floor((float(np.mean(lon)) + 180.0) / 6.0)) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if float(np.mean(lat)) >= 0 else 32700) + zone)


def _jitter_duplicates(xy: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Spread points that share one position on a small circle (order by code)."""
    xy = xy.copy()
    key = pd.Series([f"{x:.1f},{y:.1f}" for x, y in xy])
    dup = key.duplicated(keep=False).to_numpy()
    for _, group in pd.Series(np.flatnonzero(dup)).groupby(key[dup].to_numpy()):
        idx = group.to_numpy()[np.argsort(codes[group.to_numpy()], kind="stable")]
        angle = 2 * np.pi * np.arange(len(idx)) / len(idx)
        xy[idx] += _JITTER_M * np.column_stack([np.cos(angle), np.sin(angle)])
    return xy


def _voronoi_labels(xy: np.ndarray, labels: np.ndarray, wanted: np.ndarray) -> pd.Series:
    """Voronoi cells of all seeds, dissolved per label, for the ``wanted`` labels only."""
    _, first = np.unique(np.round(xy, 1), axis=0, return_index=True)
    keep = np.sort(first)
    xy, labels = xy[keep], labels[keep]
    lo, hi = xy.min(0) - 1e6, xy.max(0) + 1e6
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=shapely.box(*lo, *hi))
    )
    seed, cell = shapely.STRtree(cells).query(shapely.points(xy), predicate="within")
    frame = pd.DataFrame({"label": labels[seed], "seed": seed, "cell": cell})
    frame = frame[np.isin(frame["label"], wanted)].drop_duplicates("seed").sort_values("seed")
    gdf = gpd.GeoDataFrame({"label": frame["label"].to_numpy()}, geometry=cells[frame["cell"]])
    return gdf.dissolve("label", method="coverage").geometry


def _outline(
    bounds: pd.Series, to_m: pyproj.Transformer, lo: np.ndarray, hi: np.ndarray, disks: np.ndarray
) -> shapely.Geometry:
    """Union of the former communes' boxes (inside the window) and the communes' disks."""
    box = _parse_bounds(bounds)
    x, y = to_m.transform(box[:, [0, 2]].ravel(), box[:, [1, 3]].ravel())
    x, y = np.asarray(x).reshape(-1, 2), np.asarray(y).reshape(-1, 2)
    inside = (x.max(1) >= lo[0]) & (x.min(1) <= hi[0]) & (y.max(1) >= lo[1]) & (y.min(1) <= hi[1])
    boxes = shapely.box(x.min(1), y.min(1), x.max(1), y.max(1))[inside]
    outline = shapely.union_all(np.concatenate([boxes, disks]))
    shapely.prepare(outline)
    return outline


def _input_error(message: str, kind: str) -> InputError:
    return InputError(message, [Problem(_SOURCE, message, kind=kind)])


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return a valid (Multi)Polygon keeping only the areal parts of ``geom``."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def approximate_communes(
    province_codes: Iterable[str] | str | int = "14",
    layout: str = "2025",
    *,
    method: str = "weighted",
) -> gpd.GeoDataFrame:
    """Build approximate commune areas for provinces, offline, from the registry alone.

    Parameters
    ----------
    province_codes : str, int or list of str, default "14"
        Two-digit GSO province code(s) of ``layout``, or ``"all"`` for the country.
    layout : {"2025", "legacy"}, default "2025"
        ``"2025"``: 34 provinces, 3,321 communes (from 2025-07-01).
        ``"legacy"``: 63 provinces, the communes before the 2025 reform.
    method : {"voronoi", "multiseed", "weighted"}, default "weighted"
        ``"voronoi"``: one seed per commune centre. ``"multiseed"``: also the
        centres of the former communes merged into it (2025 layout only).
        ``"weighted"``: multiseed plus a ring of seeds sized by the stated area
        (the legacy layout has no stated areas, so it falls back to voronoi).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per commune with a centre, sorted by code; columns
        commune_code, commune_name, commune_type, province_code, province_name,
        district_code, district_name (legacy layout only, else None),
        approximate (always True) and geometry (valid Polygon or MultiPolygon;
        the cells tile their outline without gaps or overlaps). ``attrs`` holds
        ``approximate=True``, ``method``, ``layout`` and ``problems`` (warnings
        as :class:`slmap.base.errors.Problem`, e.g. communes skipped for lack of a
        centre).

    Raises
    ------
    slmap.base.errors.InputError
        Unknown province code, layout or method.

    Examples
    --------
    >>> from slmap.admin.approx import approximate_communes
    >>> son_la = approximate_communes("14")
    >>> len(son_la), bool(son_la["approximate"].all())
    (75, True)
    >>> son_la.loc[son_la.commune_code == "03646", "commune_name"].item()
    'Phường Tô Hiệu'
    """
    if layout not in _LAYOUTS or method not in APPROX_METHODS:
        found = layout if layout not in _LAYOUTS else method
        expected = _LAYOUTS if layout not in _LAYOUTS else APPROX_METHODS
        message = f"approximate boundaries: found {found!r}, expected one of {', '.join(expected)}"
        raise _input_error(message, "invalid_option")
    table = _registry_frame(layout)
    codes = _normalise_codes(province_codes, sorted(table["provinceCode"].unique()))
    from slmap.sources import cache

    parts = {"function": "approximate_communes", "codes": codes, "layout": layout, "method": method}
    named = ", ".join(codes) if len(codes) <= 5 else f"{len(codes)} provinces"
    about = f"approximate communes ({method}) of province {named}, layout {layout}"
    result, problems = cache.cached_geoframe(
        "approx", parts, lambda: _built(table, codes, layout, method), about
    )
    result.attrs["problems"] = problems
    return result


def _built(
    table: pd.DataFrame, codes: list[str], layout: str, method: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """:func:`approximate_communes` itself: the cells and the problems found."""
    old = _registry_frame("legacy")
    problems: list[Problem] = []

    def warn(message: str, code: str | None, kind: str) -> None:
        problems.append(Problem(_SOURCE, message, feature=code, severity="warning", kind=kind))
        logger.debug("%s", problems[-1])

    requested = table["provinceCode"].isin(codes).to_numpy()
    no_unit = requested & table["wardCode"].isna().to_numpy()
    for row in table[no_unit].itertuples():
        warn(
            f"district {row.district!r} of {row.province} has no commune-level unit; skipped",
            None,
            "no_commune",
        )
    located = table["wardCode"].notna() & table["wardLat"].notna() & table["wardLon"].notna()
    for row in table[requested & ~located.to_numpy() & ~no_unit].itertuples():
        warn(
            f"commune {row.ward!r} has no centre point in the registry; skipped",
            row.wardCode,
            "no_centre",
        )
    base = table[located].reset_index(drop=True)
    wanted = np.flatnonzero(base["provinceCode"].isin(codes).to_numpy())
    if len(wanted) == 0:
        message = f"no commune of province(s) {', '.join(codes)} has a centre point"
        raise _input_error(message, "no_centre")

    lon, lat = base["wardLon"].to_numpy(float), base["wardLat"].to_numpy(float)
    crs = _utm(lon[wanted], lat[wanted])
    to_m = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    xy = np.column_stack(to_m.transform(lon, lat))
    labels = np.arange(len(base))
    if layout == "legacy":
        xy = _jitter_duplicates(xy, base["wardCode"].to_numpy())

    lo, hi = xy[wanted].min(0) - _WINDOW_M, xy[wanted].max(0) + _WINDOW_M
    near = np.flatnonzero(((xy >= lo) & (xy <= hi)).all(1))
    seeds, seed_labels = [xy[near]], [labels[near]]

    area = base["wardAreaKm2"].to_numpy(float) if layout == "2025" else np.full(len(base), np.nan)
    if layout == "2025":
        for row in base.iloc[wanted][~(area[wanted] > 0)].itertuples():
            warn(
                f"commune {row.ward!r} has no stated area; its cell is not area-weighted",
                row.wardCode,
                "no_area",
            )
    radius = np.sqrt(np.where(area > 0, area, 0.0) * 1e6 / np.pi)

    old_ok = old[old["wardCode"].notna() & old["wardLat"].notna()].reset_index(drop=True)
    old_xy = np.column_stack(
        to_m.transform(old_ok["wardLon"].to_numpy(float), old_ok["wardLat"].to_numpy(float))
    )
    if layout == "2025" and method in ("multiseed", "weighted"):
        former = _former_labels(base, old_ok)
        shared = old_ok.duplicated(["wardLat", "wardLon"], keep=False).to_numpy()
        use = (former >= 0) & ~shared & ((old_xy >= lo) & (old_xy <= hi)).all(1)
        seeds.append(old_xy[use])
        seed_labels.append(former[use])
    if layout == "2025" and method == "weighted":
        angle = 2 * np.pi * np.arange(_RING_POINTS) / _RING_POINTS
        centres = near[radius[near] > 0]
        ring_of = np.repeat(centres, _RING_POINTS)
        unit = np.tile(np.column_stack([np.cos(angle), np.sin(angle)]), (len(centres), 1))
        ring = xy[ring_of] + _RING_FRACTION * radius[ring_of, None] * unit
        placed = np.vstack(seeds)
        placed_labels = np.concatenate(seed_labels)
        nearest = shapely.STRtree(shapely.points(placed)).nearest(shapely.points(ring))
        mine = placed_labels[nearest] == ring_of  # drop ring seeds closer to another commune
        seeds.append(ring[mine])
        seed_labels.append(ring_of[mine])

    cells = _voronoi_labels(np.vstack(seeds), np.concatenate(seed_labels), wanted)

    disks = shapely.buffer(shapely.points(xy[wanted]), np.maximum(radius[wanted], _MIN_DISK_M))
    outline = _outline(old_ok["wardBounds"].dropna(), to_m, lo, hi, disks)
    geoms = cells.reindex(wanted).to_numpy()
    edge = ~shapely.covers(outline, geoms)  # only cells crossing the outline need clipping
    geoms[edge] = shapely.intersection(geoms[edge], outline)
    geoms = gpd.GeoSeries(geoms, crs=crs).to_crs(4326)

    rows = base.iloc[wanted]
    legacy = layout == "legacy"
    result = gpd.GeoDataFrame(
        {
            "commune_code": rows["wardCode"].to_numpy(),
            "commune_name": rows["ward"].to_numpy(),
            "commune_type": rows["wardType"].to_numpy(),
            "province_code": rows["provinceCode"].to_numpy(),
            "province_name": rows["province"].to_numpy(),
            "district_code": rows["districtCode"].to_numpy() if legacy else None,
            "district_name": rows["district"].to_numpy() if legacy else None,
            "approximate": True,
        },
        geometry=[_polygonal(g) for g in geoms],
        crs=4326,
    )
    result = result.sort_values("commune_code", kind="stable").reset_index(drop=True)
    result.attrs.update(approximate=True, method=method, layout=layout)
    return result, problems


def iou_by_commune(
    approx: gpd.GeoDataFrame, reference: gpd.GeoDataFrame, code_column: str = "ma_xa"
) -> pd.Series:
    """Intersection over union of each approximate commune with a reference polygon.

    Parameters
    ----------
    approx : geopandas.GeoDataFrame
        Output of :func:`approximate_communes`.
    reference : geopandas.GeoDataFrame
        Real boundaries with a 5-digit code in ``code_column``.
    code_column : str, default "ma_xa"
        Code column of ``reference``.

    Returns
    -------
    pandas.Series
        IoU (0-1) indexed by commune code, for the codes present in both; areas
        are measured in the UTM zone of the reference.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> ref = gpd.GeoDataFrame({"ma_xa": ["00001"]}, geometry=[shapely.box(105, 21, 105.1, 21.1)],
    ...                        crs=4326)
    >>> approx = gpd.GeoDataFrame({"commune_code": ["00001"]},
    ...                           geometry=[shapely.box(105.05, 21, 105.1, 21.1)], crs=4326)
    >>> round(float(iou_by_commune(approx, ref).iloc[0]), 2)
    0.5
    """
    ref = reference.to_crs(4326)
    bounds = ref.total_bounds
    crs = _utm(np.array([bounds[0], bounds[2]]), np.array([bounds[1], bounds[3]]))
    ref = ref.to_crs(crs).set_index(ref[code_column].astype(str).to_numpy())
    got = approx.to_crs(crs).set_index("commune_code")
    codes = sorted(set(ref.index) & set(got.index))
    a = got.geometry.reindex(codes).to_numpy()
    b = shapely.make_valid(ref.geometry.reindex(codes).to_numpy())
    inter = shapely.area(shapely.intersection(a, b))
    union = shapely.area(shapely.union(a, b))
    return pd.Series(inter / union, index=pd.Index(codes, name="commune_code"), name="iou")
