"""Validation: collect every problem, then report once.

:func:`check_register` parses and checks every cell of a register and
returns typed rows plus one :class:`~slmap.errors.Problem` per bad cell;
:func:`check_boundaries` checks and repairs commune geometry. Neither
raises for bad data: :func:`raise_or_split` decides, once, whether the
problems stop the run (default) or the bad rows go to a rejects report
(``keep_going``). Read = loaded + rejected, always.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.errors import Problem, ValidationError
from slmap.schema import COLUMNS, parse_bool, parse_float, parse_int, parse_signal

__all__ = ["check_boundaries", "check_register", "raise_or_split"]

_PARSERS: dict[str, Callable[[object], object]] = {
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "signal": parse_signal,
}
_KIND = {c.name: c.kind for c in COLUMNS}
_REQUIRED_VALUES = ("village_id", "village_name", "households", "population", "mobile_signal")


def _parse_column(
    values: pd.Series, rows: pd.Series, parser: Callable, column: str, header: str, src: str
) -> tuple[list, list[Problem]]:
    out: list = []
    problems: list[Problem] = []
    cache: dict[str, object] = {}
    for row, value in zip(rows.to_numpy(), values.to_numpy(), strict=True):
        key = value if isinstance(value, str) else repr(value)
        if key in cache and not isinstance(cache[key], Exception):
            out.append(cache[key])
            continue
        try:
            parsed = parser(value)
            cache[key] = parsed
        except ValueError as exc:
            cache[key] = exc
            problems.append(Problem(src, str(exc), row=int(row), column=header, kind="bad_value"))
            parsed = None
        out.append(parsed)
    return out, problems


def check_register(
    frame: pd.DataFrame, headers: dict[str, str], src: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and check the cells of a register read by :func:`slmap.sources.read_register`.

    Parameters
    ----------
    frame : DataFrame
        Text cells with canonical headers and a ``row`` column.
    headers : dict
        Canonical name -> header as written (for messages).
    src : str
        The file, for messages.

    Returns
    -------
    typed : DataFrame
        Same rows and index; canonical columns typed (Int64, Float64,
        boolean, string), derived ``mobile_broadband`` and ``has_4g``.
    problems : list of Problem
        One per bad cell (severity "error": the row cannot be used) or odd
        cell (severity "warning").

    Examples
    --------
    >>> df = pd.DataFrame({"row": [2], "village_id": ["B1"], "village_name": ["Bản Nà"],
    ...     "commune_code": ["3646"], "households": ["-3"], "population": ["12"],
    ...     "mobile_signal": ["4G+ maybe"], "fibre": ["có"]})
    >>> typed, problems = check_register(df, {c: c for c in df}, "v.csv")
    >>> [p.column for p in problems]
    ['households', 'mobile_signal']
    """
    typed = pd.DataFrame(index=frame.index)
    typed["row"] = frame["row"].astype(int)
    problems: list[Problem] = []
    for name, kind in _KIND.items():
        if name not in frame:
            continue
        header = headers.get(name, name)
        values = frame[name]
        if kind in ("str", "code"):
            text = values.astype("string").str.strip().replace("", pd.NA)
            if kind == "code":
                text = text.str.replace(r"\.0$", "", regex=True)
                ok = text.isna() | text.str.fullmatch(r"\d{1,5}").fillna(False)
                for i in np.flatnonzero(~ok.to_numpy()):
                    problems.append(
                        Problem(
                            src,
                            f"expected a GSO code of up to 5 digits, found {text.iloc[i]!r}",
                            row=int(typed["row"].iloc[i]),
                            column=header,
                            kind="bad_code",
                        )
                    )
                text = text.where(ok).str.zfill(5)
            typed[name] = text
            continue
        parsed, found = _parse_column(values, typed["row"], _PARSERS[kind], name, header, src)
        problems.extend(found)
        dtype = {"int": "Int64", "float": "Float64", "bool": "boolean", "signal": "string"}[kind]
        typed[name] = pd.array(parsed, dtype=dtype)
    for name in ("households", "population", "fibre_households"):
        if name in typed:
            neg = (typed[name] < 0).fillna(False)
            for i in np.flatnonzero(neg.to_numpy()):
                problems.append(
                    Problem(
                        src,
                        f"expected a number >= 0, found {typed[name].iloc[i]}",
                        row=int(typed["row"].iloc[i]),
                        column=headers.get(name, name),
                        kind="out_of_range",
                    )
                )
    for name in _REQUIRED_VALUES:
        if name in typed:
            blank = typed[name].isna() & frame[name].astype(str).str.strip().eq("")
            for i in np.flatnonzero(blank.to_numpy()):
                problems.append(
                    Problem(
                        src,
                        "value missing; expected one for every village",
                        row=int(typed["row"].iloc[i]),
                        column=headers.get(name, name),
                        kind="missing_value",
                    )
                )
    if {"fibre_households", "households"} <= set(typed):
        over = (typed["fibre_households"] > typed["households"]).fillna(False)
        for i in np.flatnonzero(over.to_numpy()):
            problems.append(
                Problem(
                    src,
                    f"fibre households ({typed['fibre_households'].iloc[i]}) exceed households "
                    f"({typed['households'].iloc[i]})",
                    row=int(typed["row"].iloc[i]),
                    column=headers.get("fibre_households"),
                    kind="out_of_range",
                )
            )
    problems += _check_ids(typed, headers, src)
    problems += _check_coordinates(typed, headers, src)
    if "commune_code" not in typed and "commune_name" not in typed:
        problems.append(
            Problem(
                src,
                "no commune_code or commune_name column; expected one of them "
                "(e.g. 'Mã xã' or 'Tên xã')",
                kind="missing_column",
            )
        )
    signal = typed.get("mobile_signal", pd.Series(pd.NA, index=typed.index, dtype="string"))
    typed["mobile_broadband"] = signal.isin(["3g", "4g", "5g"]).astype(bool)
    typed["has_4g"] = signal.isin(["4g", "5g"]).astype(bool)
    order = {headers.get(c.name, c.name): i for i, c in enumerate(COLUMNS)}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column, len(order))))
    return typed, problems


def _check_ids(typed: pd.DataFrame, headers: dict[str, str], src: str) -> list[Problem]:
    if "village_id" not in typed:
        return []
    ids = typed["village_id"]
    dup = ids.duplicated(keep="first") & ids.notna()
    first_row = dict(zip(ids[~dup].to_numpy(), typed["row"][~dup].to_numpy(), strict=True))
    return [
        Problem(
            src,
            f"duplicate village_id {ids.iloc[i]!r} (first on row {first_row.get(ids.iloc[i])})",
            row=int(typed["row"].iloc[i]),
            column=headers.get("village_id"),
            kind="duplicate_id",
        )
        for i in np.flatnonzero(dup.to_numpy())
    ]


def _check_coordinates(typed: pd.DataFrame, headers: dict[str, str], src: str) -> list[Problem]:
    if "lon" not in typed and "lat" not in typed:
        return []
    problems = []
    lon = typed.get("lon", pd.Series(pd.NA, index=typed.index, dtype="Float64"))
    lat = typed.get("lat", pd.Series(pd.NA, index=typed.index, dtype="Float64"))
    half = lon.isna() != lat.isna()
    swapped = (lon.between(8, 24) & lat.between(102, 110)).fillna(False)
    outside = (~lon.between(102, 110) | ~lat.between(8, 24)).fillna(False) & ~swapped
    for i in np.flatnonzero(half.to_numpy()):
        problems.append(
            Problem(
                src,
                "only one of lon/lat given; expected both or neither",
                row=int(typed["row"].iloc[i]),
                column=headers.get("lon", "lon"),
                kind="bad_coordinates",
            )
        )
    for i in np.flatnonzero(swapped.to_numpy()):
        problems.append(
            Problem(
                src,
                f"lon {lon.iloc[i]} / lat {lat.iloc[i]} look swapped; "
                "Vietnam lies at lon 102–110, lat 8–24",
                row=int(typed["row"].iloc[i]),
                column=headers.get("lon", "lon"),
                kind="bad_coordinates",
            )
        )
    for i in np.flatnonzero(outside.to_numpy()):
        problems.append(
            Problem(
                src,
                f"lon {lon.iloc[i]} / lat {lat.iloc[i]} is outside Vietnam "
                "(expected lon 102–110, lat 8–24, WGS84 degrees)",
                row=int(typed["row"].iloc[i]),
                column=headers.get("lon", "lon"),
                kind="bad_coordinates",
            )
        )
    return problems


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
    >>> bow = shapely.from_wkt("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))")
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
        elif g.geom_type == "GeometryCollection":
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


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = shapely.get_parts(g)
    polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def raise_or_split(
    frame: pd.DataFrame,
    problems: list[Problem],
    raw: pd.DataFrame,
    *,
    keep_going: bool,
    what: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stop on errors, or split rows into loaded and rejected.

    Parameters
    ----------
    frame : DataFrame
        Typed rows with a ``row`` column.
    problems : list of Problem
        Every problem found (errors and warnings).
    raw : DataFrame
        The rows as read (text), same index as ``frame``; rejects keep them.
    keep_going : bool
        False: raise :class:`ValidationError` listing every error.
        True: return the good rows and a rejects table.
    what : str
        Source name for the summary message.

    Returns
    -------
    loaded, rejects : DataFrame
        ``len(loaded) + len(rejects) == len(frame)``.
    """
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return frame, raw.iloc[0:0].assign(problem=pd.Series(dtype="string"))
    row_level = [p for p in errors if p.row is not None and p.kind != "missing_column"]
    if not keep_going or len(row_level) != len(errors):
        raise ValidationError(f"{what}: {len(errors)} problem(s) found; nothing was loaded", errors)
    by_row: dict[int, list[str]] = {}
    for p in row_level:
        by_row.setdefault(p.row, []).append(f"{p.column}: {p.message}" if p.column else p.message)
    bad = frame["row"].isin(list(by_row))
    rejects = raw[bad.to_numpy()].copy()
    rejects["problem"] = rejects["row"].map(lambda r: "; ".join(by_row[int(r)]))
    return frame[~bad.to_numpy()], rejects.reset_index(drop=True)
