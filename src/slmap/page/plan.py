"""Page data of the map's plan layer: proposed sites, their villages, the unreachable ones.

Also the join every prediction layer shares: villages of a file are found in
the map's register by ``village_id``, and an id the register does not have is
a :class:`~slmap.base.errors.Problem` naming file, row and id (an error, or with
``keep_going`` a line saying the row was left out).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import InputError, Problem

__all__ = [
    "cell_text",
    "check_known",
    "degrees_e5",
    "plan_data",
    "register_index",
    "unknown_villages",
    "village_points",
]


def degrees_e5(values: Any) -> list[int]:
    """Degrees as integers of 10⁻⁵ degree (about 1 m), the page's compact coordinates.

    Examples
    --------
    >>> degrees_e5([103.912345678, -0.5])
    [10391235, -50000]
    """
    return [int(v) for v in np.round(np.asarray(values, dtype=float) * 1e5)]


def cell_text(value: Any) -> str:
    """A cell as text, empty for None or NaN.

    Examples
    --------
    >>> cell_text(float("nan")), cell_text(3)
    ('', '3')
    """
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def register_index(villages: gpd.GeoDataFrame) -> pd.Series:
    """Position of each register village, by ``village_id``."""
    return pd.Series(np.arange(len(villages)), index=villages["village_id"].astype(str))


def unknown_villages(ids, rows, known, src: str, what: str) -> list[Problem]:
    """One problem per id of ``ids`` not in ``known`` (``rows``: where each was read).

    Examples
    --------
    >>> [(p.row, p.kind) for p in unknown_villages(["V1", "X"], [2, 3], {"V1"}, "p.csv", "f")]
    [(3, 'unknown_village')]
    """
    return [
        Problem(
            src,
            f"expected a village_id of the map's register, found '{vid}' ({what})",
            row,
            "village_id",
            kind="unknown_village",
        )
        for vid, row in zip(ids, rows, strict=True)
        if vid not in known
    ]


def check_known(problems: list[Problem], inputs: Any, src: str) -> None:
    """Raise the unknown-village problems, or with ``inputs.keep_going`` keep them as warnings."""
    if problems and not inputs.keep_going:
        raise InputError(f"{src}: {len(problems)} village(s) not in the map's register", problems)
    inputs.warnings.extend(problems)


def village_points(villages: gpd.GeoDataFrame, positions: np.ndarray) -> dict[str, list]:
    """Villages at ``positions`` as page columns: x, y, id, name, commune, households."""
    rows = villages.iloc[positions]
    households = rows["households"] if "households" in rows else pd.Series(np.nan, rows.index)
    return {
        "x": degrees_e5(rows.geometry.x),
        "y": degrees_e5(rows.geometry.y),
        "i": [str(v) for v in rows["village_id"]],
        "n": [cell_text(v) for v in rows["village_name"]],
        "c": [cell_text(v) for v in rows.get("commune_name", pd.Series("", rows.index))],
        "hh": [None if pd.isna(v) else int(v) for v in households],
    }


def plan_data(villages: gpd.GeoDataFrame, plan: Any, inputs: Any) -> dict[str, Any]:
    """Proposed sites, the villages each newly covers, and the villages no candidate reaches.

    Parameters
    ----------
    villages : GeoDataFrame
        The map's register villages.
    plan : slmap.sources.predictions.PlanTable
    inputs : slmap.page.predict.PredictionInputs
        ``keep_going`` and the ``warnings`` list to fill.

    Returns
    -------
    dict
        ``sites`` (columns x, y, id, nv, hh, pp and ``v``: indices into
        ``villages``), ``villages`` (the villages newly covered) and
        ``unreachable`` (None when the plan's villages file is absent).
    """
    index = register_index(villages)
    sites = plan.sites
    ids = [v for vs in sites["village_ids"] for v in vs]
    rows = [r for r, vs in zip(sites["row"], sites["village_ids"], strict=True) for _ in vs]
    problems = unknown_villages(
        ids, rows, index.index, plan.source, "column village_ids of the plan"
    )
    side = plan.villages
    if side is not None:
        problems += unknown_villages(
            side["village_id"], side["row"], index.index, plan.villages_source, "plan's villages"
        )
    check_known(problems, inputs, plan.source)
    served = [v for v in dict.fromkeys(ids) if v in index.index]
    slot = {v: k for k, v in enumerate(served)}
    out: dict[str, Any] = {
        "sites": {
            "x": degrees_e5(sites["lon"]),
            "y": degrees_e5(sites["lat"]),
            "id": [str(v) for v in sites["site_id"]],
            "nv": [_count(v) for v in sites["villages_newly_covered"]],
            "hh": [_count(v) for v in sites["households_newly_covered"]],
            "pp": [_count(v) for v in sites["people_newly_covered"]],
            "v": [[slot[v] for v in vs if v in slot] for vs in sites["village_ids"]],
        },
        "villages": village_points(villages, index[served].to_numpy(dtype=int)),
        "unreachable": None,
    }
    if side is not None:
        lost = side[~side["reachable"] & side["village_id"].isin(index.index)]
        out["unreachable"] = village_points(villages, index[lost["village_id"]].to_numpy(dtype=int))
    else:
        inputs.warnings.append(
            Problem(
                plan.villages_source,
                "not found beside the plan: the villages no candidate reaches are not drawn",
                severity="warning",
                kind="no_plan_villages",
            )
        )
    return out


def _count(value: float) -> int | None:
    return None if np.isnan(value) else round(value)
