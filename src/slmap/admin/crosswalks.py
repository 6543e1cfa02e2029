"""Crosswalks: the links from each unit of an older layout to the units of a newer one.

From 2023 (204 communes) to 2025-03 (200) the links are Resolution
1280/NQ-UBTVQH15's (:func:`slmap.admin.layouts.act_table`); from 2025-03 to
2025 (75) they are the registry's conversion
(:func:`slmap.admin.conversion_2025.conversion_table`); from 2023 to 2025 the
two steps are composed. Each link is ``"whole"``, ``"partial"`` or
``"unknown"``, and exactly one destination per old unit is the ``default``
(:mod:`slmap.admin.layouts` says what these mean). Conversion only runs
forward in time.
"""

from __future__ import annotations

import pandas as pd

from slmap.admin import layouts
from slmap.admin.conversion_2025 import conversion_table
from slmap.base.errors import InputError

__all__ = ["crosswalk"]


def _step_2023_to_2025_03() -> pd.DataFrame:
    act = layouts.act_table()
    old = layouts.units("2023", "14")
    new = layouts.units("2025-03", "14").set_index("commune_code")
    # Rows with no destination say what the act's text read does not establish;
    # the old unit's other rows carry its known destinations.
    rows = act.loc[act["new_code"].fillna("") != "", ["old_code", "new_code", "link"]].copy()
    # Default destination: the unit that keeps the old code, else the first listed.
    rows["default"] = False
    for _, group in rows.groupby("old_code", sort=False):
        same = group.index[group["new_code"] == group["old_code"]]
        rows.loc[same[0] if len(same) else group.index[0], "default"] = True
    same = old[~old["commune_code"].isin(act["old_code"])]
    ident = pd.DataFrame(
        {
            "old_code": same["commune_code"],
            "new_code": same["commune_code"],
            "link": "whole",
            "default": True,
        }
    )
    out = pd.concat([rows, ident], ignore_index=True)
    out["old_name"] = out["old_code"].map(old.set_index("commune_code")["commune_name"])
    out["new_name"] = out["new_code"].map(new["commune_name"])
    return out


def _step_2025_03_to_2025(province: list[str] | None) -> pd.DataFrame:
    table = conversion_table(province)
    return pd.DataFrame(
        {
            "old_code": table["old_code"],
            "new_code": table["new_code"],
            "link": table["split"].map({True: "partial", False: "whole"}),
            "default": table["default"].astype(bool),
            "old_name": table["old_name"],
            "new_name": table["new_name"],
        }
    )


def _compose(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    merged = a.merge(b, left_on="new_code", right_on="old_code", suffixes=("", "_b"))
    rank = {"whole": 0, "partial": 1, "unknown": 2}
    link = [
        max(x, y, key=rank.__getitem__)
        for x, y in zip(merged["link"], merged["link_b"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "old_code": merged["old_code"],
            "new_code": merged["new_code_b"],
            "link": link,
            "default": merged["default"] & merged["default_b"],
            "old_name": merged["old_name"],
            "new_name": merged["new_name_b"],
        }
    )
    # Two paths to one destination count once; "whole" only if every path is.
    out = (
        out.sort_values("link", key=lambda s: s.map(rank))
        .groupby(["old_code", "new_code"], as_index=False)
        .agg(
            link=("link", "last"),
            default=("default", "max"),
            old_name=("old_name", "first"),
            new_name=("new_name", "first"),
        )
    )
    return out


def crosswalk(source: str, target: str, province: str | list[str] | None = "14") -> pd.DataFrame:
    """Links from the units of ``source`` to those of a newer ``target`` layout.

    Returns
    -------
    DataFrame
        old_code, old_name, new_code, new_name, link ("whole", "partial" or
        "unknown"), default (the one destination used when nothing else
        decides; exactly one per old code). Same layout: the identity.

    Raises
    ------
    InputError
        ``target`` is older than ``source`` (conversion runs forward only).

    Examples
    --------
    >>> cw = crosswalk("2023", "2025")
    >>> cw["old_code"].nunique(), cw["new_code"].nunique(), int(cw["default"].sum())
    (204, 75, 204)
    """
    src, dst = layouts.layout_id(source), layouts.layout_id(target)
    if layouts.is_older(dst, src):
        raise InputError(
            f"cannot convert from the {src} layout to the older {dst} layout: conversion "
            "only runs forward in time; choose --layout {src} or a newer one"
        )
    wanted = layouts.check_province(src, province)
    if src == dst:
        u = layouts.units(src, wanted)
        out = pd.DataFrame(
            {
                "old_code": u["commune_code"],
                "old_name": u["commune_name"],
                "new_code": u["commune_code"],
                "new_name": u["commune_name"],
                "link": "whole",
                "default": True,
            }
        )
    elif src == "2023":
        out = _step_2023_to_2025_03()
        if dst == "2025":
            out = _compose(out, _step_2025_03_to_2025(["14"]))
    else:
        out = _step_2025_03_to_2025(wanted)
    cols = ["old_code", "old_name", "new_code", "new_name", "link", "default"]
    return out[cols].sort_values(["old_code", "new_code"]).reset_index(drop=True)
