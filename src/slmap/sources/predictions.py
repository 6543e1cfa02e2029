"""Read what ``slmap predict`` and ``slmap plan`` wrote, to draw it on the map.

A prediction file (CSV, Excel, GeoJSON or GeoPackage) has one row per
village: ``village_id``, ``predicted_mbb`` and optionally ``best_site_id``,
``distance_km``, ``los``, ``agreement``, ``model``, ``note``. A GeoPackage may
also hold a ``coverage`` layer: the predicted covered area as polygons.

A plan file has one row per chosen site: ``site_id``, ``lon``, ``lat``,
``villages_newly_covered``, ``households_newly_covered``,
``people_newly_covered``, ``village_ids`` (``;``-separated); the villages to
serve sit beside it in ``NAME.villages.csv`` (``village_id``, ``new_site_id``,
``reachable``).

Every bad cell is one :class:`~slmap.base.errors.Problem` naming the file, row (or
feature), column, what was found and what was expected. All of them are
raised at once, or, with ``keep_going``, the bad rows are left out and their
problems returned, so nothing is dropped without a line saying so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.schema import Column, canonical_header
from slmap.base.values import parse_bool, parse_float
from slmap.sources.tables import read_table

__all__ = [
    "PLAN_COLUMNS",
    "PREDICTION_COLUMNS",
    "PlanTable",
    "PredictionTable",
    "plan_villages_path",
    "read_plan",
    "read_prediction",
]

_GIS = (".json", ".geojson", ".gpkg")
#: Name of the GeoPackage layer holding the predicted covered area.
COVERAGE_LAYER = "coverage"

PREDICTION_COLUMNS: tuple[Column, ...] = (
    Column("village_id", "str", True, "village identifier of the register", ("mã bản",)),
    Column("predicted_mbb", "bool", True, "predicted mobile broadband (yes/no)", ()),
    Column("best_site_id", "str", False, "covering site", ()),
    Column("distance_km", "float", False, "distance to that site, km", ()),
    Column("los", "bool", False, "line of sight (yes/no/empty)", ()),
    Column("agreement", "str", False, "agreement with the register", ()),
    Column("model", "str", False, "coverage model", ()),
    Column("note", "str", False, "note", ()),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "str", True, "proposed site identifier", ("mã trạm",)),
    Column("lon", "float", True, "longitude, WGS84 degrees", ("kinh độ",)),
    Column("lat", "float", True, "latitude, WGS84 degrees", ("vĩ độ",)),
    Column("villages_newly_covered", "float", False, "villages newly covered", ()),
    Column("households_newly_covered", "float", False, "households newly covered", ()),
    Column("people_newly_covered", "float", False, "people newly covered", ()),
    Column("village_ids", "str", True, "village ids newly covered, ';'-separated", ()),
)

_PLAN_VILLAGE_COLUMNS: tuple[Column, ...] = (
    Column("village_id", "str", True, "village identifier of the register", ()),
    Column("new_site_id", "str", False, "proposed site serving it", ()),
    Column("reachable", "bool", True, "some candidate site covers it (yes/no)", ()),
)


@dataclass
class PredictionTable:
    """A prediction file read and checked.

    Attributes
    ----------
    frame : DataFrame
        One row per usable village: ``row``, ``village_id``, ``predicted_mbb``
        (bool), ``best_site_id``, ``distance_km`` (float, NaN when empty),
        ``agreement``, ``model``, ``note``.
    coverage : GeoDataFrame or None
        The ``coverage`` layer of a GeoPackage (EPSG:4326), when there is one.
    source : str
    problems : list of Problem
        With ``keep_going``: the errors of the rows left out.
    """

    frame: pd.DataFrame
    coverage: gpd.GeoDataFrame | None
    source: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class PlanTable:
    """A plan file (chosen sites) and, when found, its villages to serve.

    Attributes
    ----------
    sites : DataFrame
        ``row``, ``site_id``, ``lon``, ``lat``, the three counts (NaN when
        empty) and ``village_ids`` (list of str).
    villages : DataFrame or None
        ``row``, ``village_id``, ``new_site_id``, ``reachable`` (bool) from
        ``NAME.villages.csv``; None when that file is absent.
    source, villages_source : str
    problems : list of Problem
    """

    sites: pd.DataFrame
    villages: pd.DataFrame | None
    source: str
    villages_source: str
    problems: list[Problem] = field(default_factory=list)


def plan_villages_path(path: str | Path) -> Path:
    """Where ``slmap plan --out PATH`` writes the villages to serve.

    Examples
    --------
    >>> plan_villages_path("out/plan.gpkg").as_posix()
    'out/plan.villages.csv'
    """
    path = Path(path)
    return path.with_name(path.stem + ".villages.csv")


def _read_cells(
    path: Path, columns: tuple[Column, ...], what: str, layer: str | None = None
) -> pd.DataFrame:
    """Cells as text with a ``row`` column and canonical headers (any supported format)."""
    if path.suffix.lower() not in _GIS:
        return read_table(path, columns, what=what).frame
    return _read_gis_cells(path, columns, what, layer)


def _read_gis_cells(
    path: Path, columns: tuple[Column, ...], what: str, layer: str | None
) -> pd.DataFrame:
    src = str(path)
    if not path.exists():
        raise InputError(f"{src}: file not found (expected a {what})")
    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"{src}: cannot be read as a GIS file ({exc})") from None
    frame = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
    rename = {c: canonical_header(c, columns) for c in frame.columns}
    frame = frame.rename(columns={k: v for k, v in rename.items() if v})
    if "geometry" in gdf:
        _coordinates_from_points(frame, gdf, columns)
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame = frame.rename(columns={"row": "row_in_file"})  # ``row`` is the feature number here
    frame.insert(0, "row", np.arange(1, len(frame) + 1))
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    if missing:
        raise InputError(
            f"{src}: missing required column(s) {', '.join(missing)} "
            f"(expected {', '.join(c.name for c in columns if c.required)})"
        )
    return frame


def _coordinates_from_points(
    frame: pd.DataFrame, gdf: gpd.GeoDataFrame, columns: tuple[Column, ...]
) -> None:
    """Fill ``lon``/``lat`` from point geometry when the schema wants them and they are absent."""
    geom = gdf.geometry.to_crs(4326) if gdf.crs is not None and len(gdf) else gdf.geometry
    point = geom.geom_type == "Point"
    for col, coord in (("lon", "x"), ("lat", "y")):
        if any(c.name == col for c in columns) and col not in frame:
            frame[col] = np.where(point, getattr(geom.where(point), coord, np.nan), "")


def _gpkg_layers(path: Path) -> tuple[str | None, bool]:
    """The village layer of a GeoPackage and whether it has a coverage layer."""
    if path.suffix.lower() != ".gpkg" or not path.exists():
        return None, False
    import pyogrio

    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # not a GeoPackage after all
        raise InputError(f"{path}: cannot be read as a GeoPackage ({exc})") from None
    others = [n for n in names if n != COVERAGE_LAYER]
    return (others[0] if others else None), COVERAGE_LAYER in names


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[col].astype(str).str.strip()


def _bool_column(frame, col, src, problems, *, required: bool, unknown=None) -> list[bool | None]:
    out: list[bool | None] = []
    empty_ok = np.zeros(len(frame), dtype=bool) if unknown is None else unknown
    for i, (row, text) in enumerate(zip(frame["row"], _text(frame, col), strict=True)):
        try:
            value = parse_bool(text)
        except ValueError:
            value = "bad"
        if value == "bad" or (value is None and required and not empty_ok[i]):
            found = f"'{text}'" if text else "an empty cell"
            problems.append(Problem(src, f"expected yes/no (True/False), found {found}", row, col))
            value = None
        out.append(value)
    return out


def _float_column(
    frame, col, src, problems, low: float = -math.inf, high: float = math.inf, required=False
) -> list[float]:
    out: list[float] = []
    for row, text in zip(frame["row"], _text(frame, col), strict=True):
        try:
            value = parse_float(text)
        except (ValueError, TypeError):
            value = math.inf
        if value is None and required:
            problems.append(Problem(src, "expected a number, found an empty cell", row, col))
        if value is None:
            value = math.nan
        elif not (math.isfinite(value) and low <= value <= high):
            limits = [
                f">= {low:g}" if math.isfinite(low) else "",
                f"<= {high:g}" if math.isfinite(high) else "",
            ]
            bound = " and ".join(x for x in limits if x)
            expected = f"a number {bound}" if bound else "a number"
            problems.append(Problem(src, f"expected {expected}, found '{text}'", row, col))
            value = math.nan
        out.append(float(value))
    return out


def _unique_ids(frame, col, src, problems) -> pd.Series:
    ids = _text(frame, col)
    seen: dict[str, int] = {}
    for row, value in zip(frame["row"], ids, strict=True):
        if not value:
            problems.append(Problem(src, "expected an identifier, found an empty cell", row, col))
        elif value in seen:
            problems.append(
                Problem(
                    src,
                    f"expected a unique {col}, found '{value}' again (first at row {seen[value]})",
                    row,
                    col,
                    kind="duplicate",
                )
            )
        else:
            seen[value] = row
    return ids


def _keep_good(frame, problems, src, what, keep_going) -> pd.DataFrame:
    problems.sort(key=lambda p: p.row or 0)  # stable: a row's columns keep their order
    bad = {p.row for p in problems if p.severity == "error"}
    if bad and not keep_going:
        errors = [p for p in problems if p.severity == "error"]
        raise InputError(f"{src}: {len(errors)} problem(s) in the {what}", errors)
    return frame[~frame["row"].isin(bad)].reset_index(drop=True)


def read_prediction(path: str | Path, *, keep_going: bool = False) -> PredictionTable:
    """Read and check a prediction file written by ``slmap predict``.

    Parameters
    ----------
    path : str or Path
        CSV, Excel, GeoJSON or GeoPackage; a GeoPackage's ``coverage`` layer
        (polygons) is read too.
    keep_going : bool
        Leave bad rows out (their problems are returned) instead of raising.

    Raises
    ------
    InputError
        Missing file or columns; one problem per bad cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = p.write_text("village_id,predicted_mbb\\nV1,True\\nV2,no\\n", "utf-8")
    >>> read_prediction(p).frame[["village_id", "predicted_mbb"]].values.tolist()
    [['V1', True], ['V2', False]]
    """
    path = Path(path)
    src = str(path)
    layer, has_coverage = _gpkg_layers(path)
    cells = _read_cells(path, PREDICTION_COLUMNS, "prediction file (slmap predict)", layer)
    problems: list[Problem] = []
    frame = pd.DataFrame({"row": cells["row"]})
    frame["village_id"] = _unique_ids(cells, "village_id", src, problems)
    # empty is the answer "unknown" of a village without terrain (agreement no_terrain)
    unknown = (_text(cells, "agreement") == "no_terrain").to_numpy()
    frame["predicted_mbb"] = _bool_column(
        cells, "predicted_mbb", src, problems, required=True, unknown=unknown
    )
    frame["distance_km"] = _float_column(cells, "distance_km", src, problems, low=0.0)
    for col in ("best_site_id", "agreement", "model", "note"):
        frame[col] = _text(cells, col)
    frame = _keep_good(frame, problems, src, "prediction file", keep_going)
    frame["predicted_mbb"] = frame["predicted_mbb"].astype("boolean")
    coverage = _read_coverage(path) if has_coverage else None
    return PredictionTable(frame, coverage, src, problems)


def _read_coverage(path: Path) -> gpd.GeoDataFrame:
    try:
        gdf = gpd.read_file(path, layer=COVERAGE_LAYER)
    except Exception as exc:
        raise InputError(f"{path}: layer '{COVERAGE_LAYER}' cannot be read ({exc})") from None
    if gdf.crs is not None:
        gdf = gdf.to_crs(4326)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    kinds = set(gdf.geom_type) - {"Polygon", "MultiPolygon"}
    if kinds:
        raise InputError(
            f"{path}: layer '{COVERAGE_LAYER}': expected polygons, found {', '.join(sorted(kinds))}"
        )
    return gdf


def read_plan(path: str | Path, *, keep_going: bool = False) -> PlanTable:
    """Read and check a plan written by ``slmap plan`` (and its villages file).

    Parameters
    ----------
    path : str or Path
        The ``--out`` file of ``slmap plan`` (CSV, Excel, GeoJSON, GeoPackage);
        ``NAME.villages.csv`` beside it is read when present.
    keep_going : bool
        Leave bad rows out (their problems are returned) instead of raising.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "plan.csv").write_text(
    ...     "site_id,lon,lat,households_newly_covered,village_ids\\nN1,104,21,50,V1;V2\\n", "utf-8")
    >>> t = read_plan(d / "plan.csv")
    >>> t.sites["village_ids"].tolist(), t.villages is None
    ([['V1', 'V2']], True)
    """
    path = Path(path)
    src = str(path)
    cells = _read_cells(path, PLAN_COLUMNS, "plan file (slmap plan)")
    problems: list[Problem] = []
    sites = pd.DataFrame({"row": cells["row"]})
    sites["site_id"] = _unique_ids(cells, "site_id", src, problems)
    for col, limit in (("lon", 180.0), ("lat", 90.0)):
        sites[col] = _float_column(cells, col, src, problems, -limit, limit, required=True)
    for col in ("villages_newly_covered", "households_newly_covered", "people_newly_covered"):
        sites[col] = _float_column(cells, col, src, problems, 0.0)
    sites["village_ids"] = [
        [v.strip() for v in text.split(";") if v.strip()] for text in _text(cells, "village_ids")
    ]
    sites = _keep_good(sites, problems, src, "plan file", keep_going)
    side = plan_villages_path(path)
    villages = _read_plan_villages(side, keep_going, problems) if side.exists() else None
    return PlanTable(sites, villages, src, str(side), problems)


def _read_plan_villages(path: Path, keep_going: bool, problems: list[Problem]) -> pd.DataFrame:
    src = str(path)
    # slmap plan writes this file itself (UTF-8 CSV), with the register's own ``row`` column
    try:
        cells = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{src}: cannot be read as the plan's villages CSV ({exc})") from None
    missing = [c.name for c in _PLAN_VILLAGE_COLUMNS if c.required and c.name not in cells]
    if missing:
        raise InputError(f"{src}: missing required column(s) {', '.join(missing)}")
    cells["row"] = np.arange(2, len(cells) + 2)
    found: list[Problem] = []
    frame = pd.DataFrame({"row": cells["row"]})
    frame["village_id"] = _unique_ids(cells, "village_id", src, found)
    frame["new_site_id"] = _text(cells, "new_site_id")
    frame["reachable"] = _bool_column(cells, "reachable", src, found, required=True)
    problems.extend(found)
    frame = _keep_good(frame, found, src, "plan's villages file", keep_going)
    frame["reachable"] = frame["reachable"].astype(bool)
    return frame
