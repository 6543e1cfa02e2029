"""Readers of the two pinned upstream JSON formats (split from ``boundaries``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.base.errors import InputError, Problem

if TYPE_CHECKING:
    from slmap.sources.boundary_set import BoundarySet

__all__ = ["read_upstream_json"]


def read_upstream_json(path: Path) -> BoundarySet | None:
    """Read one of the two pinned JSON formats; ``None`` for any other JSON.

    Raises
    ------
    InputError
        The file is not valid JSON.
    """
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("wards"), list):
        return _wards_json(data, str(path))
    if isinstance(data, dict) and isinstance(data.get("level2s"), list):
        return _dvhcvn_json(data, str(path))
    return None


def _rings_to_polygon(rings: list) -> shapely.Geometry:
    parts = [shapely.Polygon(np.asarray(r, dtype=float)[:, :2]) for r in rings if len(r) >= 4]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _wards_json(data: dict, src: str) -> BoundarySet:
    """The vietnam-3d-map format: ``wards: [{id, name, type, polygons, ...}]``."""
    rows, problems = [], []
    for i, w in enumerate(data["wards"], start=1):
        try:
            geom = _rings_to_polygon(w.get("polygons") or [])
        except (ValueError, TypeError, IndexError) as exc:
            problems.append(Problem(src, f"unreadable polygons ({exc})", row=i, column="polygons"))
            geom = None
        rows.append(
            {
                "feature": i,
                "commune_code": str(w.get("id", "")).zfill(5) if w.get("id") else pd.NA,
                "commune_name": f"{w.get('type', '')} {w.get('name', '')}".strip(),
                "commune_type": w.get("type"),
                "stated_area_km2": w.get("area"),
                "stated_population": w.get("population"),
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    from slmap.sources.boundary_set import BoundarySet

    return BoundarySet(gdf, source=src, schema="wards-json", problems=problems)


def _dvhcvn_json(data: dict, src: str) -> BoundarySet:
    """The dvhcvn GIS format: province outline plus ``level2s`` districts."""

    def geom(obj: dict) -> shapely.Geometry:
        return shapely.geometry.shape({"type": obj["type"], "coordinates": obj["coordinates"]})

    province = gpd.GeoDataFrame(
        [{"province_code": str(data["level1_id"]).zfill(2), "province_name": data["name"]}],
        geometry=[geom(data)],
        crs="EPSG:4326",
    )
    districts = gpd.GeoDataFrame(
        [
            {"district_code": str(d["level2_id"]).zfill(3), "district_name": d["name"]}
            for d in data["level2s"]
        ],
        geometry=[geom(d) for d in data["level2s"]],
        crs="EPSG:4326",
    )
    from slmap.sources.boundary_set import BoundarySet

    return BoundarySet(
        None, districts=districts, province=province, source=src, schema="dvhcvn-json"
    )
