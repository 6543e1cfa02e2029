"""How the cache keeps frames in Parquet: geometry as WKB with its CRS, the index as columns
(split from :mod:`slmap.sources.cache`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["geo_description", "geo_from_wkb", "index_as_columns", "index_from_columns"]


def crs_text(crs: Any) -> str | None:
    """A CRS as its short authority code when exact (fast to read back), else WKT."""
    if crs is None:
        return None
    authority = crs.to_authority(min_confidence=100)
    return ":".join(authority) if authority else crs.to_wkt()


@lru_cache(maxsize=16)
def crs_of(text: str | None) -> Any:
    import pyproj

    return None if text is None else pyproj.CRS.from_user_input(text)


def geo_description(frame: Any) -> dict[str, Any]:
    """The geometry columns of a GeoDataFrame, their CRS and the active one."""
    columns = {c: crs_text(frame[c].crs) for c in frame.columns if frame[c].dtype == "geometry"}
    return {"geometry": frame.geometry.name, "columns": columns}


def geo_from_wkb(frame: Any, how: dict[str, Any]) -> Any:
    """A GeoDataFrame back from a frame whose geometry columns hold WKB."""
    import geopandas as gpd
    from geopandas.array import from_wkb

    for column, crs in how["columns"].items():
        values = from_wkb(frame[column].to_numpy(), crs=crs_of(crs))
        frame[column] = gpd.GeoSeries(values, index=frame.index, name=column)
    return gpd.GeoDataFrame(frame, geometry=how["geometry"])


def index_as_columns(frame: Any) -> tuple[Any, dict[str, Any] | None]:
    """A frame whose index (unless 0, 1, 2...) is held in columns: Parquet keeps a
    column's dtype exactly, an index's not always (a ``string`` index comes back ``str``)."""
    import pandas as pd

    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return frame, None
    columns = [f"__slmap_index_{i}__" for i in range(index.nlevels)]
    plain = frame.reset_index(drop=True)
    for i, column in enumerate(columns):
        plain[column] = index.get_level_values(i).to_numpy(copy=False)
        plain[column] = plain[column].astype(index.get_level_values(i).dtype)
    return plain, {"columns": columns, "names": list(index.names)}


def index_from_columns(frame: Any, meta: dict[str, Any], name: str) -> Any:
    """The inverse of :func:`index_as_columns`."""
    index = meta.get("index", {}).get(name)
    if index is None:
        return frame
    frame = frame.set_index(index["columns"])
    frame.index.names = index["names"]
    return frame
