"""Read a list of radio sites (CSV, Excel, GeoJSON or GeoPackage).

A site is one antenna position: ``site_id, lon, lat, height_m`` (antenna
height above ground, metres) and optionally ``operator, technology,
frequency_mhz, eirp_dbm, azimuth_deg, beamwidth_deg``. Headers are matched
accent- and case-insensitively and Vietnamese headers work (``Mã trạm``,
``Kinh độ``, ``Vĩ độ``, ``Độ cao anten``, ``Công nghệ``...). Every bad cell is
one :class:`~slmap.base.errors.Problem` naming the file, row (or feature), column,
what was found and what was expected; all of them are raised at once, or,
with ``keep_going``, the bad rows are returned as rejects and nothing is lost.
A file whose name or ``synthetic`` column says so is flagged synthetic, and
every output built from it says so.
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
from slmap.sources.characters import clean_frame
from slmap.sources.tables import read_table

__all__ = ["SITE_COLUMNS", "TECHNOLOGIES", "SiteTable", "read_sites"]

#: Technologies a site may carry; an empty cell counts as 4G.
TECHNOLOGIES = ("2g", "3g", "4g", "5g")
_TECH_ALIASES = {"gsm": "2g", "umts": "3g", "wcdma": "3g", "lte": "4g", "nr": "5g"}
_GIS = (".json", ".geojson", ".gpkg", ".shp", ".zip")

SITE_COLUMNS: tuple[Column, ...] = (
    Column(
        "site_id",
        "str",
        True,
        "site identifier, unique",
        ("mã trạm", "tên trạm", "trạm", "id", "site"),
    ),
    Column("lon", "float", True, "longitude, WGS84 degrees", ("kinh độ", "longitude", "lng", "x")),
    Column("lat", "float", True, "latitude, WGS84 degrees", ("vĩ độ", "latitude", "y")),
    Column(
        "height_m",
        "float",
        True,
        "antenna height above ground, metres",
        ("độ cao anten", "chiều cao anten", "cao anten", "độ cao cột", "height", "antenna_height"),
    ),
    Column("operator", "str", False, "operator", ("nhà mạng", "doanh nghiệp", "nha mang")),
    Column("technology", "str", False, "2g/3g/4g/5g", ("công nghệ", "loại sóng", "tech")),
    Column("frequency_mhz", "float", False, "frequency, MHz", ("tần số", "tần số mhz", "freq")),
    Column("eirp_dbm", "float", False, "EIRP, dBm", ("eirp", "công suất phát")),
    Column("azimuth_deg", "float", False, "azimuth, degrees", ("góc phương vị", "azimuth")),
    Column(
        "beamwidth_deg", "float", False, "beamwidth, degrees", ("độ rộng búp sóng", "beamwidth")
    ),
    Column("synthetic", "bool", False, "synthetic (invented) site", ("tổng hợp",)),
)

#: Allowed range of each numeric column: (low, high, low inclusive, description).
_RANGES = {
    "lon": (-180.0, 180.0, True, "a longitude in degrees between -180 and 180"),
    "lat": (-90.0, 90.0, True, "a latitude in degrees between -90 and 90"),
    "height_m": (0.0, 500.0, False, "an antenna height in metres > 0 and <= 500"),
    "frequency_mhz": (0.0, 100_000.0, False, "a frequency in MHz > 0"),
    "eirp_dbm": (-50.0, 120.0, True, "an EIRP in dBm between -50 and 120"),
    "azimuth_deg": (0.0, 360.0, True, "an azimuth in degrees between 0 and 360"),
    "beamwidth_deg": (0.0, 360.0, False, "a beamwidth in degrees > 0 and <= 360"),
}


@dataclass
class SiteTable:
    """Sites read from a file.

    Attributes
    ----------
    sites : GeoDataFrame
        One point per usable site (EPSG:4326), canonical columns; ``technology``
        is filled (``4g`` when the file left it empty).
    source : str
        The file read.
    synthetic : bool
        True when the file is labelled synthetic (name or column).
    problems : list of Problem
        Warnings (and, with ``keep_going``, the errors of the rejected rows).
    rejects : DataFrame
        Rows left out with ``keep_going``, as read, with a ``problem`` column.
    """

    sites: gpd.GeoDataFrame
    source: str
    synthetic: bool = False
    problems: list[Problem] = field(default_factory=list)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_sites(
    path: str | Path, *, keep_going: bool = False, sheet: str | None = None
) -> SiteTable:
    """Read and validate a list of radio sites.

    Parameters
    ----------
    path : str or Path
        CSV, Excel, GeoJSON or GeoPackage. GIS files give ``lon``/``lat``
        from their point geometry when those columns are absent.
    keep_going : bool
        Return the usable rows and the rejected ones instead of raising.
    sheet : str, optional
        Excel sheet (default: the first with a header).

    Returns
    -------
    SiteTable

    Raises
    ------
    InputError
        Every problem, one per bad cell, when a row is unusable and
        ``keep_going`` is false.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sites.csv"
    >>> _ = p.write_text("Mã trạm,Kinh độ,Vĩ độ,Độ cao anten\\nS1,103.9,21.3,30\\n", "utf-8")
    >>> t = read_sites(p)
    >>> t.sites[["site_id", "height_m", "technology"]].values.tolist()
    [['S1', 30.0, '4g']]
    """
    path = Path(path)
    src = str(path)
    if path.suffix.lower() in _GIS:
        frame, read = _read_gis(path, src)
    else:
        table = read_table(path, SITE_COLUMNS, sheet=sheet, what="site list")
        frame, read = table.frame, table.problems
    values, problems = _validate(frame, src)
    problems = read + problems
    problems.sort(key=lambda p: p.row or 0)
    bad_rows = {p.row for p in problems if p.severity == "error"}
    if bad_rows and not keep_going:
        errors = [p for p in problems if p.severity == "error"]
        raise InputError(f"{src}: {len(errors)} problem(s) in the site list", errors)
    bad = frame["row"].isin(bad_rows)
    rejects = frame[bad].copy()
    if len(rejects):
        why = {}
        for p in problems:
            if p.severity == "error":
                why.setdefault(p.row, []).append(str(p))
        rejects["problem"] = [" | ".join(why[r]) for r in rejects["row"]]
    values = values[~bad.to_numpy()].reset_index(drop=True)
    if values.empty:
        raise InputError(f"{src}: no usable site (every row has a problem)", problems)
    synthetic = "synthetic" in path.name.lower() or bool(values["synthetic"].fillna(False).any())
    sites = gpd.GeoDataFrame(
        values.drop(columns="synthetic"),
        geometry=gpd.points_from_xy(values["lon"], values["lat"]),
        crs="EPSG:4326",
    )
    return SiteTable(sites, src, synthetic, problems, rejects.reset_index(drop=True))


def _read_gis(path: Path, src: str) -> tuple[pd.DataFrame, list[Problem]]:
    if not path.exists():
        raise InputError(f"{src}: file not found (expected a site list)")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"{src}: cannot be read as a GIS file ({exc})") from None
    rename = {c: canonical_header(c, SITE_COLUMNS) for c in gdf.columns if c != "geometry"}
    frame = pd.DataFrame(gdf.drop(columns="geometry")).rename(
        columns={k: v for k, v in rename.items() if v}
    )
    points = gdf.geometry
    if gdf.crs is not None and not points.isna().all():
        points = points.to_crs("EPSG:4326")
    is_point = points.geom_type == "Point"
    for col, coord in (("lon", "x"), ("lat", "y")):
        if col not in frame.columns:
            frame[col] = np.where(is_point, getattr(points.where(is_point), coord, np.nan), "")
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame, found = clean_frame(frame, src, 1)
    frame.insert(0, "row", np.arange(1, len(frame) + 1))
    missing = [c.name for c in SITE_COLUMNS if c.required and c.name not in frame.columns]
    if missing:
        raise InputError(
            f"{src}: missing required column(s) {', '.join(missing)} "
            f"(expected {', '.join(c.name for c in SITE_COLUMNS if c.required)})"
        )
    return frame, found


def _validate(frame: pd.DataFrame, src: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    out = pd.DataFrame(index=frame.index)
    rows = frame["row"].tolist()
    ids = frame["site_id"].astype(str).str.strip()
    seen: dict[str, int] = {}
    for row, value in zip(rows, ids, strict=True):
        if not value:
            problems.append(
                Problem(src, "expected a site identifier, found an empty cell", row, "site_id")
            )
        elif value in seen:
            problems.append(
                Problem(
                    src,
                    f"expected a unique site_id, found '{value}' again "
                    f"(first at row {seen[value]})",
                    row,
                    "site_id",
                    kind="duplicate",
                )
            )
        else:
            seen[value] = row
    out["site_id"] = ids
    for col in ("operator",):
        out[col] = frame[col].astype(str).str.strip() if col in frame else ""
    for col, limits in _RANGES.items():
        cells = frame[col] if col in frame else pd.Series("", index=frame.index)
        required = col in ("lon", "lat", "height_m")
        out[col] = [
            _number(v, r, col, limits, required, src, problems)
            for r, v in zip(rows, cells, strict=True)
        ]
    cells = frame["technology"] if "technology" in frame else pd.Series("", index=frame.index)
    out["technology"] = [_technology(v, r, src, problems) for r, v in zip(rows, cells, strict=True)]
    cells = frame["synthetic"] if "synthetic" in frame else pd.Series("", index=frame.index)
    out["synthetic"] = [_flag(v) for v in cells]
    return out, problems


def _flag(value) -> bool:
    try:
        return bool(parse_bool(value))
    except ValueError:
        return False


def _number(value, row, col, limits, required, src, problems) -> float:
    low, high, low_inclusive, expected = limits
    text = str(value).strip()
    if not text:
        if required:
            problems.append(Problem(src, f"expected {expected}, found an empty cell", row, col))
        return math.nan
    try:
        number = parse_float(text)
    except (ValueError, TypeError):
        number = None
    ok = number is not None and math.isfinite(number)
    ok = ok and (number >= low if low_inclusive else number > low) and number <= high
    if not ok:
        problems.append(Problem(src, f"expected {expected}, found '{text}'", row, col))
        return math.nan
    return float(number)


def _technology(value, row, src, problems) -> str:
    text = str(value).strip().lower().replace(" ", "")
    if not text:
        return "4g"
    text = _TECH_ALIASES.get(text, text)
    if text not in TECHNOLOGIES:
        problems.append(
            Problem(
                src,
                f"expected one of 2g, 3g, 4g, 5g (or LTE, NR...), found '{value}'",
                row,
                "technology",
            )
        )
        return ""
    return text
