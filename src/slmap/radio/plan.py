"""Choose new radio sites for the villages still without mobile broadband.

The villages to serve are those reported without mobile broadband and not
predicted covered by the existing sites (:func:`villages_to_serve`; a village
whose prediction is unknown for want of terrain is served: the register's
"no mobile broadband" stands). Among candidate sites, choose:

* up to ``new_sites`` maximising the households covered (maximal covering
  location problem: maximise Σ hᵢ·yᵢ subject to yᵢ ≤ Σ_{j covers i} xⱼ and
  Σ xⱼ ≤ N), or
* the fewest sites covering every coverable village (set covering:
  minimise Σ xⱼ subject to Σ_{j covers i} xⱼ ≥ 1),

solved exactly with PuLP and the CBC solver it ships. Coverage of a
candidate uses the same model as :mod:`slmap.radio.predict`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import SlmapError
from slmap.radio.itm import ItmSettings
from slmap.radio.predict import DEFAULT_RADIUS_KM, MAX_RANGE_KM, coverage_pairs
from slmap.sources.dem import Dem

__all__ = [
    "CANDIDATE_HEIGHT_M",
    "PlanResult",
    "auto_candidates",
    "choose_sites",
    "villages_to_serve",
]

#: Antenna height of generated candidates (a common tower height).
CANDIDATE_HEIGHT_M = 30.0


@dataclass
class PlanResult:
    """Chosen sites and what they cover.

    Attributes
    ----------
    chosen : GeoDataFrame
        One row per chosen site: its columns plus ``villages_newly_covered``,
        ``households_newly_covered``, ``people_newly_covered``, ``village_ids``
        (each village counted once, for the nearest chosen site).
    villages : DataFrame
        The villages to serve, with ``new_site_id`` (empty when not chosen)
        and ``reachable`` (some candidate covers it).
    totals : dict
        Villages and households without mobile broadband before and after.
    """

    chosen: gpd.GeoDataFrame
    villages: pd.DataFrame
    totals: dict


def auto_candidates(
    targets: gpd.GeoDataFrame,
    *,
    dem: Dem | None = None,
    spacing_km: float = 2.0,
    reach_km: float = DEFAULT_RADIUS_KM,
) -> gpd.GeoDataFrame:
    """Candidate sites near the villages to serve.

    Without a DEM: a square grid (``spacing_km``) of points within ``reach_km``
    of a village to serve. With one: the highest DEM cell of each grid block,
    kept when within ``reach_km`` of a village to serve.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> t = gpd.GeoDataFrame(geometry=[Point(104.0, 21.0)], crs=4326)
    >>> c = auto_candidates(t, spacing_km=2.0, reach_km=3.0)
    >>> len(c) > 0, float(c["height_m"].iloc[0]), c["technology"].iloc[0]
    (True, 30.0, '4g')
    >>> len(auto_candidates(t.iloc[:0]))  # nothing to serve: no candidate
    0
    """
    if targets.empty:
        empty = {"site_id": pd.Series(dtype=str), "height_m": pd.Series(dtype=float)}
        return gpd.GeoDataFrame(
            {**empty, "technology": pd.Series(dtype=str)}, geometry=[], crs=4326
        )
    crs = targets.estimate_utm_crs()
    pts = targets.geometry.to_crs(crs)
    step, reach = spacing_km * 1000.0, reach_km * 1000.0
    if dem is None:
        x0, y0, x1, y1 = pts.total_bounds
        xs = np.arange(np.floor((x0 - reach) / step), np.ceil((x1 + reach) / step) + 1) * step
        ys = np.arange(np.floor((y0 - reach) / step), np.ceil((y1 + reach) / step) + 1) * step
        gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
        grid = gpd.GeoSeries(gpd.points_from_xy(gx, gy), crs=crs)
    else:
        from slmap.sources.dem import local_maxima, pixel_size_m

        block = max(1, round(step / pixel_size_m(dem)))
        mx, my, _ = local_maxima(dem, block)
        grid = gpd.GeoSeries(gpd.points_from_xy(mx, my), crs=dem.crs).to_crs(crs)
    near, _ = pts.sindex.query(grid, predicate="dwithin", distance=reach)
    grid = grid.iloc[np.unique(near)].to_crs(4326).reset_index(drop=True)
    ids = [f"NEW-{i + 1:04d}" for i in range(len(grid))]
    return gpd.GeoDataFrame(
        {"site_id": ids, "height_m": CANDIDATE_HEIGHT_M, "technology": "4g"},
        geometry=grid.values,
        crs=4326,
    )


def villages_to_serve(villages: gpd.GeoDataFrame, predicted: pd.Series) -> np.ndarray:
    """Reported without mobile broadband and not predicted covered (unknown counts as not).

    Parameters
    ----------
    villages : GeoDataFrame
        With ``mobile_broadband`` (empty: not reported without).
    predicted : Series
        Index-aligned ``predicted_mbb``, nullable (NA: unknown, no terrain).

    Examples
    --------
    >>> v = pd.DataFrame({"mobile_broadband": [False, False, False, True, None]})
    >>> p = pd.Series(pd.array([True, False, None, False, False], dtype="boolean"))
    >>> villages_to_serve(v, p).tolist()
    [False, True, True, False, False]
    """
    reported = villages["mobile_broadband"].astype("boolean")
    without = (reported == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    covered = pd.Series(predicted).astype("boolean").fillna(False).to_numpy(dtype=bool)
    return without & ~covered


def choose_sites(
    villages: gpd.GeoDataFrame,
    predicted: pd.Series,
    candidates: gpd.GeoDataFrame,
    *,
    model: str = "distance",
    dem: Dem | None = None,
    new_sites: int | None = 5,
    radius_km: float = DEFAULT_RADIUS_KM,
    max_range_km: float = MAX_RANGE_KM,
    itm: ItmSettings | None = None,
) -> PlanResult:
    """Choose new sites among ``candidates`` (``new_sites`` = None: cover all).

    Parameters
    ----------
    villages : GeoDataFrame
        With ``village_id``, ``households``, ``population``, ``mobile_broadband``.
    predicted : Series of bool
        Index-aligned: predicted covered by the existing sites (nullable: NA
        is unknown, see :func:`villages_to_serve`).
    candidates : GeoDataFrame
        Candidate sites (``site_id``, ``height_m``, ``technology``).
    itm : ItmSettings, optional
        The ``itm`` model's link budget (frequency, threshold, EIRP,
        climate), as :func:`~slmap.radio.predict.predict_coverage` takes it.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> v = gpd.GeoDataFrame({"village_id": ["a"], "households": [10], "population": [40],
    ...                       "mobile_broadband": [False]}, geometry=[Point(104, 21)], crs=4326)
    >>> c = gpd.GeoDataFrame({"site_id": ["N1"], "height_m": [30.0], "technology": ["4g"]},
    ...                      geometry=[Point(104.01, 21)], crs=4326)
    >>> r = choose_sites(v, pd.Series([False]), c, new_sites=1)
    >>> r.chosen["site_id"].tolist(), r.totals["households_without_after"]
    (['N1'], 0)
    """
    reported = villages["mobile_broadband"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    serve = villages[villages_to_serve(villages, predicted)]
    pairs = coverage_pairs(
        serve, candidates, model, dem=dem, radius_km=radius_km, max_range_km=max_range_km,
        itm=itm,
    )  # fmt: skip
    pairs = pairs[pairs["covers"]]
    households = serve["households"].fillna(0).to_numpy(dtype=float)
    picked = _solve(pairs, households, len(candidates), new_sites)
    return _result(villages, serve, candidates, pairs, picked, reported)


def _solve(pairs: pd.DataFrame, households: np.ndarray, n_cand: int, new_sites: int | None):
    import pulp

    cands = sorted(set(pairs["site"]))
    if not cands:
        return []
    prob = pulp.LpProblem("sites", pulp.LpMaximize if new_sites is not None else pulp.LpMinimize)
    x = {j: prob.add_variable(f"x{j}", cat="Binary") for j in cands}
    cover = pairs.groupby("village")["site"].apply(list)
    if new_sites is None:
        prob += pulp.lpSum(x.values())
        for sites in cover:
            prob += pulp.lpSum(x[j] for j in sites) >= 1
    else:
        y = {i: prob.add_variable(f"y{i}", 0, 1) for i in cover.index}
        # households first; among equal plans, fewer sites
        prob += pulp.lpSum(households[i] * y[i] for i in y) - 1e-4 * pulp.lpSum(x.values())
        for i, sites in cover.items():
            prob += y[i] <= pulp.lpSum(x[j] for j in sites)
        prob += pulp.lpSum(x.values()) <= new_sites
    with warnings.catch_warnings():
        # PuLP 3 calls its bundled CBC deprecated in favour of pulp[cbc] (PuLP 4, capped
        # in pyproject): the bundled solver is the one that needs no other install.
        warnings.simplefilter("ignore", DeprecationWarning)
        status = prob.solve(pulp.PULP_CBC_CMD(msg=False))
    if pulp.LpStatus[status] != "Optimal":
        raise SlmapError(f"the site selection solver stopped: {pulp.LpStatus[status]}")
    return [j for j in cands if (x[j].value() or 0) > 0.5]


def _result(villages, serve, candidates, pairs, picked, reported) -> PlanResult:
    chosen_pairs = pairs[pairs["site"].isin(picked)].sort_values(["village", "distance_km"])
    first = chosen_pairs.drop_duplicates("village")  # each village once: its nearest chosen site
    ids = candidates["site_id"].astype(str).to_numpy()
    table = pd.DataFrame(serve.drop(columns="geometry")).reset_index(drop=True)
    table["new_site_id"] = ""
    table.loc[first["village"].to_numpy(), "new_site_id"] = ids[first["site"].to_numpy()]
    table["reachable"] = table.index.isin(pairs["village"])
    chosen = candidates.iloc[picked].copy()
    chosen["lon"], chosen["lat"] = chosen.geometry.x.round(6), chosen.geometry.y.round(6)
    groups = table[table["new_site_id"] != ""].groupby("new_site_id")
    chosen["villages_newly_covered"] = chosen["site_id"].map(groups.size()).fillna(0).astype(int)
    for col in ("households", "population"):
        out = "people_newly_covered" if col == "population" else "households_newly_covered"
        chosen[out] = chosen["site_id"].map(groups[col].sum()).fillna(0).astype(int)
    chosen["village_ids"] = chosen["site_id"].map(groups["village_id"].agg(";".join)).fillna("")
    hh = villages["households"].fillna(0)
    served = table["new_site_id"] != ""
    totals = {
        "villages_without_mbb_reported": int((~reported).sum()),
        "villages_to_serve": len(table),
        "villages_unreachable": int((~table["reachable"]).sum()),
        "new_sites": len(chosen),
        "villages_newly_covered": int(served.sum()),
        "households_to_serve_before": int(table["households"].fillna(0).sum()),
        "households_newly_covered": int(table.loc[served, "households"].fillna(0).sum()),
        "households_without_after": int(table.loc[~served, "households"].fillna(0).sum()),
        "households_total": int(hh.sum()),
    }
    return PlanResult(chosen.reset_index(drop=True), table, totals)
