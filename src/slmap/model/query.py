"""Planner questions answered from a :class:`~slmap.model.CoverageModel`.

Every function returns a :class:`geopandas.GeoDataFrame` (EPSG:4326) holding
the full rows asked for plus any computed column, and records in ``.attrs``:

``"filters"``
    Human-readable list of the filters applied (shown under the CLI table).
``"display"``
    The columns worth showing on screen, in order.

Names (communes, former districts) match accent-, case- and
whitespace-insensitively through :func:`slmap.base.names.fold`; a commune is
resolved by the one rule of :func:`slmap.admin.resolve.resolve_unit` (names and
codes of every layout). An unknown or ambiguous name raises
:class:`~slmap.base.errors.InputError` naming the option and listing the
candidates. Missing data stays NaN/NA ("no data"), never 0.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

from slmap.admin.resolve import Resolution, resolve_unit
from slmap.base.errors import InputError, Problem
from slmap.base.names import closest, fold
from slmap.model.validate_geometry import VIETNAM_BOUNDS

__all__ = [
    "SORT_KEYS",
    "VILLAGE_DISPLAY",
    "check_point",
    "communes_by_metric",
    "find_commune",
    "resolve_commune",
    "resolve_district",
    "result_frame",
    "utm_epsg",
    "villages_near",
    "villages_without_broadband",
]

#: Sort orders of :func:`villages_without_broadband`.
SORT_KEYS = ("households", "population", "name")

VILLAGE_DISPLAY = [
    "village_id",
    "village_name",
    "commune_name",
    "district_name",
    "households",
    "population",
    "mobile_signal",
    "grid_power",
]


def result_frame(frame: pd.DataFrame, filters: list[str], display: list[str]) -> gpd.GeoDataFrame:
    """Wrap a query's rows with the filters applied and the columns worth showing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rows = gpd.GeoDataFrame({"village_id": ["V1"]}, geometry=gpd.points_from_xy([104], [21]))
    >>> result_frame(rows, ["all"], ["village_id", "missing"]).attrs["display"]
    ['village_id']
    """
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=frame.crs)
    out.attrs = {"filters": filters, "display": [c for c in display if c in out.columns]}
    return out


def _suggest(option: str, what: str, text: str, names: list[str]) -> InputError:
    near = closest(text, names, n=5) or sorted(set(names))[:5]
    msg = f"unknown {what} {text!r}; closest: {', '.join(near)}"
    return InputError(
        f"option {option}: {msg}", [Problem(f"option {option}", msg, kind="unknown_name")]
    )


def find_commune(model, text: str, *, district: str | None = None) -> Resolution:
    """Resolve a commune name or code of any layout to the model's communes.

    The one rule is :func:`slmap.admin.resolve.resolve_unit`: a code or name
    of the layout drawn, or of another layout (2023, 2025-03, 2025) carried
    along the crosswalks with a note; ambiguous names, the start of several
    names and split units list their candidates. ``district`` (a former
    district) narrows an ambiguous name.

    Examples
    --------
    >>> find_commune(load_coverage(), "Chiềng Ngần").note  # doctest: +SKIP
    'Xã Chiềng Ngần (03673, 2025-03 layout) → merged into Phường Chiềng Sinh (03679)'
    """
    provenance = model.provenance
    return resolve_unit(
        text,
        model.communes,
        getattr(provenance, "layout", "2025"),
        getattr(provenance, "province_codes", ("14",)),
        district=district,
    )


def resolve_commune(model, text: str) -> list[str]:
    """Return the commune code(s) a name or code designates (see :func:`find_commune`).

    Raises
    ------
    InputError
        Unknown name or code, a name shared by several communes or the start
        of several names (listing them with their codes and former
        districts), or a former unit split between several communes.

    Examples
    --------
    >>> resolve_commune(model, "sop cop")  # doctest: +SKIP
    ['04285']
    """
    return list(find_commune(model, text).codes)


def resolve_district(model, text: str) -> str:
    """Return the former-district name a name or code designates.

    Examples
    --------
    >>> resolve_district(model, "SOP COP")  # doctest: +SKIP
    'Huyện Sốp Cộp'
    """
    villages = model.villages
    pairs = villages[["district_code", "district_name"]].drop_duplicates().dropna()
    text = str(text).strip()
    if text.isdigit():
        hit = pairs.loc[pairs["district_code"].astype(str) == text.zfill(3)]
    else:
        hit = pairs.loc[pairs["district_name"].map(fold) == fold(text)]
    names = sorted(set(hit["district_name"]))
    if len(names) == 1:
        return names[0]
    if len(names) > 1:
        codes = hit.groupby("district_name")["district_code"].agg(
            lambda c: ", ".join(sorted(set(map(str, c))))
        )
        listed = "; ".join(f"{n} ({codes[n]})" for n in names)
        msg = f"district {text!r} names several former districts: {listed}; pass the code"
        raise InputError(
            f"option --district: {msg}", [Problem("option --district", msg, kind="ambiguous")]
        )
    raise _suggest("--district", "former district", text, list(pairs["district_name"]))


def _scope(model, commune: str | None, district: str | None) -> tuple[pd.Series, list[str]]:
    villages = model.villages
    mask = pd.Series(True, index=villages.index)
    filters: list[str] = []
    if commune is not None:
        found = find_commune(model, commune, district=district)
        codes = list(found.codes)
        mask &= villages["commune_code"].astype(str).isin(codes)
        names = model.communes.set_index(model.communes["commune_code"].astype(str))
        shown = ", ".join(
            f"{names.loc[c, 'commune_name']} ({c})" for c in codes if c in names.index
        )
        filters.append(f"commune = {shown}")
        if found.note:
            filters.append(f"commune asked for: {found.note}")
    if district is not None:
        name = resolve_district(model, district)
        mask &= villages["district_name"] == name
        filters.append(f"former district = {name}")
    return mask, filters


def _sort_villages(frame: pd.DataFrame, sort: str) -> pd.DataFrame:
    if sort not in SORT_KEYS:
        raise InputError(f"unknown sort {sort!r}; expected one of {', '.join(SORT_KEYS)}")
    key = frame["village_name"].map(fold)
    order = pd.DataFrame({"k": key, "id": frame["village_id"].astype(str)}, index=frame.index)
    if sort == "name":
        idx = order.sort_values(["k", "id"], kind="stable").index
    else:
        order["v"] = pd.to_numeric(frame[sort], errors="coerce").astype(float)
        idx = order.sort_values(["v", "k", "id"], ascending=[False, True, True], na_position="last")
        idx = idx.index
    return frame.loc[idx]


def villages_without_broadband(
    model,
    *,
    commune: str | None = None,
    district: str | None = None,
    min_households: int | None = None,
    no_grid_power: bool = False,
    sort: str = "households",
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """Villages lacking mobile broadband (no 3G/4G/5G at the village centre).

    Parameters
    ----------
    model : CoverageModel
    commune : str, optional
        Commune name (any accents/case, with or without "Xã") or 5-digit code.
    district : str, optional
        Former district (2019-2025 layout) name or 3-digit code.
    min_households : int, optional
        Keep villages with at least this many households (no data is dropped).
    no_grid_power : bool, default False
        Keep only villages known to lack grid power.
    sort : {"households", "population", "name"}
        Largest first for counts, alphabetical (accent-folded) for names.
    limit : int, optional
        Keep the first ``limit`` rows after sorting.

    Examples
    --------
    >>> from slmap.model import load_coverage  # doctest: +SKIP
    >>> len(villages_without_broadband(load_coverage()))  # doctest: +SKIP
    123
    """
    villages = model.villages
    mask, filters = _scope(model, commune, district)
    mask &= ~villages["mobile_broadband"].astype(bool)
    filters.insert(0, "no mobile broadband (signal none/2G)")
    if min_households is not None:
        mask &= (
            pd.to_numeric(villages["households"], errors="coerce").ge(min_households).fillna(False)
        )
        filters.append(f"households >= {min_households}")
    if no_grid_power:
        mask &= villages["grid_power"].astype("boolean").eq(False).fillna(False)
        filters.append("no grid power")
    out = _sort_villages(villages.loc[mask], sort)
    filters.append(f"sorted by {sort}")
    if limit is not None:
        out = out.head(limit)
        filters.append(f"first {limit}")
    return result_frame(out, filters, VILLAGE_DISPLAY)


def _metric_columns(model) -> list[str]:
    skip = {"approximate", "fibre_backbone"}
    numeric = model.communes.select_dtypes(include=["number"]).columns
    return [c for c in numeric if c not in skip]


def communes_by_metric(
    model,
    metric: str,
    *,
    above: float | None = None,
    below: float | None = None,
    top: int | None = None,
) -> gpd.GeoDataFrame:
    """Communes filtered and ordered by a metric.

    Rows are ordered by the metric, highest first (lowest first when only
    ``below`` is given); ``top`` keeps the first N of that order. Communes
    with no data for the metric are never "above" or "below" anything and
    are listed last when no threshold is given.

    Examples
    --------
    >>> communes_by_metric(model, "villages_no_mbb", above=3)  # doctest: +SKIP
    """
    columns = _metric_columns(model)
    if metric not in columns:
        raise _suggest("--metric", "metric", metric, columns)
    values = pd.to_numeric(model.communes[metric], errors="coerce").astype(float)
    mask = pd.Series(True, index=model.communes.index)
    filters: list[str] = []
    if above is not None:
        mask &= values.gt(above)
        filters.append(f"{metric} > {above:g}")
    if below is not None:
        mask &= values.lt(below)
        filters.append(f"{metric} < {below:g}")
    ascending = below is not None and above is None
    frame = model.communes.loc[mask].assign(
        _v=values[mask], _k=lambda d: d["commune_name"].map(fold)
    )
    frame = frame.sort_values(["_v", "_k"], ascending=[ascending, True], na_position="last")
    frame = frame.drop(columns=["_v", "_k"])
    filters.append(f"sorted by {metric}, {'lowest' if ascending else 'highest'} first")
    if top is not None:
        frame = frame.head(top)
        filters.append(f"top {top}")
    display = ["commune_code", "commune_name", "district_name", metric, "villages"]
    return result_frame(frame, filters, list(dict.fromkeys(display)))


def check_point(lon: float, lat: float) -> None:
    """Refuse a query point that is not a WGS84 longitude/latitude, saying why.

    Raises
    ------
    InputError
        Not finite, out of range, or longitude and latitude swapped.

    Examples
    --------
    >>> check_point(103.9, 21.3)
    >>> check_point(21.3, 103.9)
    Traceback (most recent call last):
    ...
    slmap.base.errors.InputError: --lon 21.3 --lat 103.9: longitude and latitude look swapped; ...
    """
    where = f"--lon {lon:g} --lat {lat:g}"
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InputError(f"{where}: not a WGS84 lon/lat; expected finite degrees")
    (x0, x1), (y0, y1) = VIETNAM_BOUNDS
    swapped = (abs(lat) > 90 and abs(lon) <= 90) or (
        y0 <= lon <= y1 and x0 <= lat <= x1 and not (x0 <= lon <= x1 and y0 <= lat <= y1)
    )
    if swapped:
        raise InputError(
            f"{where}: longitude and latitude look swapped; try --lon {lat:g} --lat {lon:g} "
            "(Vietnam lies at lon 102–110, lat 8–24)"
        )
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputError(
            f"{where}: not a WGS84 lon/lat; expected lon -180–180 and lat -90–90 degrees"
        )


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone containing a point (geopandas' estimate).

    Examples
    --------
    >>> utm_epsg(103.9, 21.3)  # Sơn La: UTM 48N
    32648
    >>> utm_epsg(-70.0, -33.0)
    32719
    """
    check_point(lon, lat)
    return gpd.GeoSeries.from_xy([lon], [lat], crs=4326).estimate_utm_crs().to_epsg()


def villages_near(
    model,
    lon: float,
    lat: float,
    radius_km: float,
    *,
    uncovered_only: bool = False,
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """Villages within ``radius_km`` of a point, nearest first.

    Distances are measured in the UTM zone of the query point and returned
    in a ``distance_km`` column.

    Examples
    --------
    >>> villages_near(model, 103.9, 21.33, 5)  # doctest: +SKIP
    """
    if not radius_km > 0:
        raise InputError(f"radius must be > 0 km, found {radius_km}")
    epsg = utm_epsg(lon, lat)
    origin = gpd.GeoSeries.from_xy([lon], [lat], crs=4326).to_crs(epsg).iloc[0]
    villages = model.villages
    if uncovered_only:
        villages = villages.loc[~villages["mobile_broadband"].astype(bool)]
    dist = villages.geometry.to_crs(epsg).distance(origin) / 1000.0
    frame = villages.assign(distance_km=dist.round(3))
    frame = frame.loc[dist <= radius_km].sort_values(["distance_km", "village_id"], kind="stable")
    filters = [f"within {radius_km:g} km of lon {lon:g}, lat {lat:g} (EPSG:{epsg})"]
    if uncovered_only:
        filters.append("no mobile broadband")
    filters.append("nearest first")
    if limit is not None:
        frame = frame.head(limit)
        filters.append(f"first {limit}")
    return result_frame(frame, filters, ["distance_km", *VILLAGE_DISPLAY, "mobile_broadband"])
