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
from slmap.base.schema import Column
from slmap.base.values import parse_bool, parse_float
from slmap.sources.characters import clean_frame
from slmap.sources.csv_cells import unguard_frame
from slmap.sources.prediction_cells import COVERAGE_LAYER, gpkg_layers, read_cells

__all__ = [
    "PLAN_COLUMNS",
    "PREDICTION_COLUMNS",
    "PlanTable",
    "PredictionTable",
    "plan_villages_path",
    "read_plan",
    "read_prediction",
]


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
    layer, has_coverage = gpkg_layers(path)
    problems: list[Problem] = []
    what = "prediction file (slmap predict)"
    cells = read_cells(path, PREDICTION_COLUMNS, what, problems, layer)
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
    problems: list[Problem] = []
    cells = read_cells(path, PLAN_COLUMNS, "plan file (slmap plan)", problems)
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
    cells, found = clean_frame(unguard_frame(cells), src, 2)
    cells["row"] = np.arange(2, len(cells) + 2)
    frame = pd.DataFrame({"row": cells["row"]})
    frame["village_id"] = _unique_ids(cells, "village_id", src, found)
    frame["new_site_id"] = _text(cells, "new_site_id")
    frame["reachable"] = _bool_column(cells, "reachable", src, found, required=True)
    problems.extend(found)
    frame = _keep_good(frame, found, src, "plan's villages file", keep_going)
    frame["reachable"] = frame["reachable"].astype(bool)
    return frame
