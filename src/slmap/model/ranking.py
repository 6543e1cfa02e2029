"""Villages without mobile broadband ranked by households reached per unit of cost.

The score is :data:`PRIORITY_FORMULA`: every component is a column, so a
planner can re-rank with other weights. Distances are measured in UTM.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.names import fold
from slmap.model.query import result_frame, utm_epsg, villages_without_broadband

__all__ = ["DISTANCE_STEP_KM", "POWER_COST", "PRIORITY_FORMULA", "priority_ranking"]

#: Cost weights of :func:`priority_ranking` (see :data:`PRIORITY_FORMULA`).
DISTANCE_STEP_KM = 5.0
POWER_COST = {False: 1.0, None: 0.5, True: 0.0}

PRIORITY_FORMULA = """\
priority_score = households / cost_index
cost_index     = 1 + cost_distance + cost_power
cost_distance  = dist_covered_km / 5    (km to the nearest village that has mobile broadband,
                                         measured in UTM; every 5 km of new transmission
                                         counts as one more unit of cost)
cost_power     = 1 without grid power (solar site needed), 0.5 when unknown, 0 on the grid
Higher score first: most households reached per unit of estimated cost. A village with no
household count has no score ("no data") and is listed last. Every component is a column
(households, grid_power, dist_covered_km, cost_distance, cost_power, cost_index), so a
planner can re-rank with other weights."""


def _nearest_covered_km(villages: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.Series:
    covered = villages.loc[villages["mobile_broadband"].astype(bool)]
    if not len(covered) or not len(targets):
        return pd.Series(np.nan, index=targets.index, dtype=float)
    minx, miny, maxx, maxy = villages.total_bounds
    epsg = utm_epsg((minx + maxx) / 2, (miny + maxy) / 2)
    src = targets[["geometry"]].to_crs(epsg)
    dst = covered[["geometry"]].to_crs(epsg)
    joined = gpd.sjoin_nearest(src, dst, how="left", distance_col="_d")
    return joined.groupby(level=0)["_d"].min().reindex(targets.index) / 1000.0


def priority_ranking(
    model,
    *,
    commune: str | None = None,
    district: str | None = None,
    min_households: int | None = None,
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """Villages without mobile broadband ranked by a transparent score.

    The score is :data:`PRIORITY_FORMULA`; each component is a column.

    Examples
    --------
    >>> print(PRIORITY_FORMULA.splitlines()[0])
    priority_score = households / cost_index
    """
    base = villages_without_broadband(
        model, commune=commune, district=district, min_households=min_households
    )
    filters = [f for f in base.attrs["filters"] if not f.startswith("sorted by")]
    dist = _nearest_covered_km(model.villages, base).round(3)
    # A register without a grid power column says nothing: unknown, never "on the grid".
    unknown = pd.Series(pd.NA, index=base.index, dtype="boolean")
    power = base["grid_power"].astype("boolean") if "grid_power" in base else unknown
    cost_power = power.map(lambda v: POWER_COST[None if v is pd.NA else bool(v)]).astype(float)
    cost_distance = (dist / DISTANCE_STEP_KM).round(3)
    cost_index = 1.0 + cost_distance.fillna(0.0) + cost_power
    households = pd.to_numeric(base["households"], errors="coerce").astype(float)
    frame = base.assign(
        grid_power=power,
        dist_covered_km=dist,
        cost_distance=cost_distance,
        cost_power=cost_power,
        cost_index=cost_index.round(3),
        priority_score=(households / cost_index).round(2),
    )
    frame = frame.assign(_k=frame["village_name"].map(fold), _id=frame["village_id"].astype(str))
    frame = frame.sort_values(
        ["priority_score", "_k", "_id"], ascending=[False, True, True], na_position="last"
    ).drop(columns=["_k", "_id"])
    frame.insert(0, "priority_rank", np.arange(1, len(frame) + 1))
    filters.append("ranked by priority_score (see --help for the formula)")
    if limit is not None:
        frame = frame.head(limit)
        filters.append(f"first {limit}")
    display = [
        "priority_rank",
        "village_name",
        "commune_name",
        "households",
        "grid_power",
        "dist_covered_km",
        "cost_index",
        "priority_score",
    ]
    return result_frame(frame, filters, display)
