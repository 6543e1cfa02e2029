"""The levels above the village: former districts and the province, with their metrics.

Villages get the district of their commune in the layout they were keyed to;
district and province layers carry the metrics summed from their villages.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from slmap.admin import layouts
from slmap.base.metrics import summarise
from slmap.sources import BoundarySet

__all__ = ["attach_districts", "district_layer", "province_layer", "with_metrics"]


def attach_districts(
    villages: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    register_layout: str,
    target: str,
    province: str,
    register_province: str,
) -> gpd.GeoDataFrame:
    """District of each village: from its commune in the register's layout, else the model's."""
    villages = villages.copy()
    by_commune = communes.set_index("commune_code")
    villages["commune_name"] = villages["commune_code"].map(by_commune["commune_name"])
    district_code = villages["commune_code"].map(by_commune["district_code"])
    if "commune_code_old" in villages and villages["commune_code_old"].notna().any():
        old = layouts.units(register_layout, register_province).set_index("commune_code")
        from_old = villages["commune_code_old"].map(old["district_code"])
        district_code = from_old.fillna(district_code)
    else:
        villages["commune_code_old"] = pd.array([pd.NA] * len(villages), dtype="string")
    villages["district_code"] = district_code.astype("string")
    names = district_names(target, province)
    villages["district_name"] = villages["district_code"].map(names).astype("string")
    return villages


def district_names(target: str, province: str) -> pd.Series:
    """District names as the model's layout spells them (former districts in 2025)."""
    return layouts.districts(target, province).set_index("district_code")["district_name"]


def with_metrics(communes: gpd.GeoDataFrame, stats: pd.DataFrame) -> gpd.GeoDataFrame:
    communes = communes.drop(columns=[c for c in stats.columns if c in communes])
    communes = communes.join(stats)
    communes.index.name = None
    return communes


def district_layer(
    villages: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    outlines: BoundarySet | None,
    target: str,
    province: str,
) -> gpd.GeoDataFrame | None:
    codes = sorted(
        set(villages["district_code"].dropna()) | set(communes["district_code"].dropna())
    )
    if not codes:
        return None
    stats = summarise(villages, "district_code", pd.Index(codes))
    names = district_names(target, province)
    if outlines is not None and outlines.districts is not None:
        geom = outlines.districts.set_index("district_code").geometry.reindex(codes)
    else:
        geom = communes.dissolve("district_code").geometry.reindex(codes)
    gdf = gpd.GeoDataFrame(
        {"district_code": codes, "district_name": [names.get(c) for c in codes]},
        geometry=geom.to_numpy(),
        crs="EPSG:4326",
        index=pd.Index(codes),
    )
    out = gdf.join(stats)
    out.index.name = None
    return out


def province_layer(
    villages: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    outlines: BoundarySet | None,
    province: str,
) -> gpd.GeoDataFrame:
    stats = summarise(villages, None, pd.Index(["all"]))
    if outlines is not None and outlines.province is not None:
        geom = shapely.union_all(outlines.province.geometry.to_numpy())
    else:
        geom = shapely.coverage_union_all(communes.geometry.to_numpy()) if len(communes) else None
    gdf = gpd.GeoDataFrame(
        {"province_code": [province], "province_name": [province_name(communes, province)]},
        geometry=[geom],
        crs="EPSG:4326",
        index=pd.Index(["all"]),
    )
    out = gdf.join(stats)
    out.index = pd.Index([province])
    return out


def province_name(communes: gpd.GeoDataFrame, province: str) -> str | None:
    """Name of the province layer: the province's, the names of a list, or Việt Nam for all.

    Examples
    --------
    >>> province_name(gpd.GeoDataFrame({"province_name": []}), "all")
    'Việt Nam'
    >>> province_name(gpd.GeoDataFrame({"province_name": []}), "14,11")
    'Tỉnh Sơn La, Tỉnh Điện Biên'
    """
    from slmap.admin.registry import province_label

    if province == "all" or "," in province:
        return province_label(None if province == "all" else tuple(province.split(",")))
    return communes["province_name"].iloc[0] if len(communes) else province_label((province,))
