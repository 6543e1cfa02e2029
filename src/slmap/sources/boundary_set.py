"""The boundaries read from one source, before validation (shared by every reader)."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from slmap.base.errors import Problem

__all__ = ["BoundarySet"]


@dataclass
class BoundarySet:
    """Boundaries read from one source, before validation.

    Attributes
    ----------
    communes : GeoDataFrame or None
        Columns ``commune_code`` (str or NA), ``commune_name``, optional
        ``parent_name`` and ``commune_type``, ``feature`` (1-based) and
        ``geometry`` in EPSG:4326.
    districts, province : GeoDataFrame or None
        Former districts (``district_code``, ``district_name``) and province
        outline (``province_code``, ``province_name``) when the source has them.
    source : str
        File the boundaries came from.
    schema : str
        "wards-json", "dvhcvn-json", "gso", "gadm" or "generic".
    problems : list of Problem
        Warnings found while reading (reprojection, 3D dropped...).
    pinned : bool
        Read from a pinned upstream file (its repairs are known and said once,
        when it enters the cache).
    """

    communes: gpd.GeoDataFrame | None
    districts: gpd.GeoDataFrame | None = None
    province: gpd.GeoDataFrame | None = None
    source: str = ""
    schema: str = "generic"
    problems: list[Problem] = field(default_factory=list)
    pinned: bool = False
