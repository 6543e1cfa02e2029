"""The cells of a prediction or plan file, from a table or a GIS file (split from
:mod:`slmap.sources.predictions`)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.schema import Column, canonical_header
from slmap.sources.characters import clean_frame
from slmap.sources.tables import read_table

__all__ = ["COVERAGE_LAYER", "gpkg_layers", "read_cells"]

_GIS = (".json", ".geojson", ".gpkg")
#: Name of the GeoPackage layer holding the predicted covered area.
COVERAGE_LAYER = "coverage"


def read_cells(
    path: Path,
    columns: tuple[Column, ...],
    what: str,
    problems: list[Problem],
    layer: str | None = None,
) -> pd.DataFrame:
    """Cells as text with a ``row`` column and canonical headers (any supported format).

    Warnings of the reading (characters removed, title rows) go to ``problems``.
    """
    if path.suffix.lower() not in _GIS:
        table = read_table(path, columns, what=what)
        problems.extend(table.problems)
        return table.frame
    return _gis_cells(path, columns, what, problems, layer)


def _gis_cells(
    path: Path, columns: tuple[Column, ...], what: str, problems: list[Problem], layer: str | None
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
    frame, found = clean_frame(frame, src, 1)
    problems.extend(found)
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


def gpkg_layers(path: Path) -> tuple[str | None, bool]:
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
