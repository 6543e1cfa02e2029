"""Move data forward from an older layout to a newer one, along the crosswalks.

* Boundaries are dissolved: each new commune is the union of the old units
  whose default destination it is. Where the act moved only a part of a unit
  the new line is not known from the data; those communes are flagged.
* Villages with coordinates whose old commune was split go to the candidate
  commune that contains them; the others follow the crosswalk, flagged when
  the crosswalk alone cannot decide.
* Counts keyed to old codes are summed into the new communes.

Conversion only runs forward in time (:func:`slmap.admin.crosswalks.crosswalk`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.admin import crosswalks, layouts
from slmap.base.errors import Problem

__all__ = ["communes_forward", "default_codes", "villages_forward"]


def default_codes(codes: pd.Series, source: str, target: str, province="14") -> pd.Series:
    """The default new code of each old code (NA when unknown).

    Examples
    --------
    >>> default_codes(pd.Series(["03751", "03646"]), "2023", "2025").tolist()
    ['03721', '03646']
    """
    cw = crosswalks.crosswalk(source, target, province)
    default = cw[cw["default"]].set_index("old_code")["new_code"]
    return codes.map(default).astype("string")


def communes_forward(
    communes: gpd.GeoDataFrame, source: str, target: str, province: str, src: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Dissolve communes of ``source`` into the communes of ``target``.

    Returns the new communes (commune_code, commune_name, commune_type,
    district_code, district_name, province_code, province_name, approximate,
    ``converted_from``: the old codes joined by ``+``) and warnings: one
    naming the communes whose line is approximate (a unit was split between
    them), one naming new communes that got no territory.
    """
    if layouts.layout_id(source) == layouts.layout_id(target):
        return communes, []
    cw = crosswalks.crosswalk(source, target, province)
    default = cw[cw["default"]].set_index("old_code")["new_code"]
    old = communes[communes["commune_code"].notna()].copy()
    old["new_code"] = old["commune_code"].map(default)
    fan_out = cw.groupby("old_code")["new_code"].transform("size") > 1
    split_olds = set(cw.loc[fan_out | (cw["link"] == "partial"), "old_code"])
    touched = set(cw.loc[cw["old_code"].isin(split_olds), "new_code"])
    groups = old.groupby("new_code", sort=True)
    geoms = [shapely.union_all(g.geometry.to_numpy()) for _, g in groups]
    new_codes = list(groups.groups)
    official = layouts.units(target, province).set_index("commune_code")
    out = gpd.GeoDataFrame(
        {
            "feature": range(1, len(new_codes) + 1),
            "commune_code": pd.array(new_codes, dtype="string"),
        },
        geometry=geoms,
        crs=communes.crs,
    )
    for col in layouts.UNIT_ATTRIBUTES:
        out[col] = official.reindex(new_codes)[col].to_numpy()
    approx = groups["approximate"].max() if "approximate" in old else None
    out["approximate"] = (
        approx.reindex(new_codes).fillna(False).astype(bool).to_numpy()
        if approx is not None
        else False
    )
    out["converted_from"] = groups["commune_code"].agg(lambda s: "+".join(sorted(s))).to_numpy()
    out["line_approximate"] = out["commune_code"].isin(touched).to_numpy()
    problems = []
    if out["line_approximate"].any():
        names = ", ".join(out.loc[out["line_approximate"], "commune_name"].astype(str))
        problems.append(
            Problem(
                src,
                f"converted from the {source} to the {target} layout by dissolving along the "
                f"official crosswalk; where a unit was split the new line is not known, so "
                f"these communes are drawn from whole former units: {names}",
                column="geometry",
                severity="warning",
                kind="dissolved_split",
            )
        )
    empty = sorted(set(official.index) - set(new_codes))
    if empty:
        problems.append(
            Problem(
                src,
                f"{len(empty)} commune(s) of the {target} layout were formed only from parts "
                f"of former units and cannot be drawn from {source}-layout boundaries: "
                + ", ".join(f"{c} {official.at[c, 'commune_name']}" for c in empty),
                column="geometry",
                severity="warning",
                kind="not_drawable",
            )
        )
    return out, problems


def villages_forward(
    villages: pd.DataFrame,
    source: str,
    target: str,
    communes: gpd.GeoDataFrame,
    province: str,
    src: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Move villages keyed to ``source`` codes into ``target`` communes.

    The old code is kept in ``commune_code_old``; ``commune_assigned``
    says how the new commune was found: ``"crosswalk"`` (the old unit went
    whole into one new unit), ``"coordinates"`` (it was split and the village
    lies in one of its parts) or ``"crosswalk-default"`` (split, and the
    village has no coordinates inside a candidate: the registry's default
    destination is used and the village is flagged).
    """
    villages = villages.copy()
    if layouts.layout_id(source) == layouts.layout_id(target):
        if "commune_assigned" not in villages:
            villages["commune_assigned"] = "register"
        return villages, []
    cw = crosswalks.crosswalk(source, target, province)
    old = villages["commune_code"].astype("string")
    villages["commune_code_old"] = old
    default = cw[cw["default"]].set_index("old_code")["new_code"]
    new = old.map(default).astype("string")
    targets = cw.groupby("old_code")["new_code"].agg(list)
    how = pd.Series("crosswalk", index=villages.index, dtype="object")
    multi = old.map(targets.str.len()).fillna(1).to_numpy() > 1
    problems: list[Problem] = []
    if multi.any():
        geoms = communes.set_index("commune_code").geometry
        nan = pd.Series(np.nan, index=villages.index)
        x = pd.to_numeric(villages.get("lon", nan), errors="coerce")
        y = pd.to_numeric(villages.get("lat", nan), errors="coerce")
        for i in np.flatnonzero(multi):
            label = villages.index[i]
            how[label] = "crosswalk-default"
            if pd.isna(x.iloc[i]) or pd.isna(y.iloc[i]):
                continue
            for code in targets[old.iloc[i]]:
                poly = geoms.get(code)
                if poly is not None and shapely.contains_xy(poly, x.iloc[i], y.iloc[i]):
                    new[label] = code
                    how[label] = "coordinates"
                    break
        flagged = int((how == "crosswalk-default").sum())
        placed = int((how == "coordinates").sum())
        problems.append(
            Problem(
                src,
                f"{int(multi.sum())} village(s) belong to {source}-layout communes that were "
                f"split in the {target} layout: {placed} placed by their coordinates, "
                f"{flagged} by the crosswalk's default destination (flagged "
                "commune_assigned = crosswalk-default)",
                severity="warning",
                kind="split_assignment",
            )
        )
    villages["commune_code"] = new
    villages["commune_assigned"] = how.to_numpy()
    problems.insert(
        0,
        Problem(
            src,
            f"{len(villages)} village(s) keyed to {source}-layout communes were converted to the "
            f"{target} layout (official crosswalk; the old code is kept in commune_code_old)",
            severity="warning",
            kind="converted_codes",
        ),
    )
    return villages, problems
