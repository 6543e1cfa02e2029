"""Predicted mobile broadband coverage of villages from radio sites (and terrain).

Models
------
``distance``
    A village is covered when a site giving mobile broadband (3G, 4G or 5G;
    a site without technology counts as 4G) lies within ``radius_km``
    (default 5 km, the rule ITU/UNICEF Giga uses). Distances are measured in
    the UTM zone of the villages.
``los``
    A village is covered when a broadband site within ``max_range_km``
    (default 35 km) sees it: the straight ray from the antenna (ground +
    ``height_m``) to a receiver 1.5 m above the ground clears every terrain
    point of the profile sampled on the DEM, the terrain raised by the Earth's
    bulge ``d1·d2 / (2·k·R)`` with k = 4/3 (standard refraction) and
    R = 6,371 km. On flat ground this ends at the radio horizon
    3.57·(√(k·h1) + √(k·h2)) km (≈ 27.6 km for 30 m and 1.5 m).
``itm``
    Longley-Rice path loss over the DEM profile from each broadband site
    within ``max_range_km`` (:mod:`slmap.radio.itm`): covered when EIRP − path
    loss − receiver losses reaches the threshold (``margin_db >= 0``); the
    best site is the one with the highest margin.

Missing terrain is an answer of its own, never "not covered": for ``los``
and ``itm`` a village has **no terrain** when the DEM has no height under it
(nodata, or beyond the DEM), or when no broadband site within range covers it
and the path of at least one of them is unknown (an end without height; for ``los`` a
profile that known terrain does not block but that crosses nodata, see
:mod:`slmap.radio.profiles`; for ``itm`` a profile with more than 5 % of its
samples on nodata, see :func:`slmap.radio.itm.profile_losses`). Its
``predicted_mbb`` is unknown (NA) and its ``agreement`` is ``no_terrain``
(:func:`slmap.radio.agreement.no_terrain`). A village with terrain and no
broadband site within range is predicted not covered.

Predictions sit beside reported coverage: ``agreement`` is ``agree``,
``reported_none_predicted_covered`` (check on site: the register may be out of
date), ``reported_covered_predicted_none`` (check the register or the site
list) or ``no_terrain``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import InputError
from slmap.radio.agreement import NO_TERRAIN, agreement, no_terrain
from slmap.radio.itm import ITM_WARNINGS, ItmSettings
from slmap.radio.profiles import clear_of_terrain
from slmap.sources.dem import Dem

__all__ = [
    "BROADBAND_TECHNOLOGIES",
    "DEFAULT_RADIUS_KM",
    "EARTH_RADIUS_M",
    "K_FACTOR",
    "MAX_RANGE_KM",
    "MODELS",
    "NO_TERRAIN",
    "RECEIVER_HEIGHT_M",
    "coverage_pairs",
    "distance_area",
    "line_of_sight",
    "predict_coverage",
    "summarize",
]

MODELS = ("distance", "los", "itm")
DEFAULT_RADIUS_KM = 5.0
MAX_RANGE_KM = 35.0
RECEIVER_HEIGHT_M = 1.5
K_FACTOR = 4.0 / 3.0
EARTH_RADIUS_M = 6_371_000.0
BROADBAND_TECHNOLOGIES = ("3g", "4g", "5g")


def _broadband(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    tech = sites["technology"] if "technology" in sites else pd.Series("4g", index=sites.index)
    return sites[tech.fillna("4g").replace("", "4g").isin(BROADBAND_TECHNOLOGIES)]


def distance_area(sites: gpd.GeoDataFrame, radius_km: float = DEFAULT_RADIUS_KM):
    """The area within ``radius_km`` of a mobile broadband site, in EPSG:4326 (None: no such site).

    A site without technology counts as 4G, as for :func:`predict_coverage`.
    The discs are drawn in the sites' UTM zone (16 segments a quarter).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame({"technology": ["4g", "2g"]},
    ...                      geometry=[Point(104, 21), Point(104.5, 21)], crs=4326)
    >>> area = distance_area(s)
    >>> round(area.centroid.x, 3), round(area.centroid.y, 3)
    (104.0, 21.0)
    >>> distance_area(s.iloc[[1]]) is None
    True
    """
    import shapely

    broadband = _broadband(sites)
    if broadband.empty:
        return None
    crs = broadband.estimate_utm_crs()
    shape = shapely.union_all(broadband.geometry.to_crs(crs).buffer(radius_km * 1000, 16))
    return gpd.GeoSeries([shape], crs=crs).to_crs(4326).iloc[0]


def line_of_sight(
    dem: Dem,
    crs,
    site_xy: np.ndarray,
    village_xy: np.ndarray,
    height_m: np.ndarray,
    *,
    receiver_m: float = RECEIVER_HEIGHT_M,
    k: float = K_FACTOR,
    step_m: float | None = None,
) -> np.ndarray:
    """Line of sight between pairs of points over the DEM (vectorised, chunked).

    The profile is sampled in the DEM's pixel space by
    :func:`slmap.radio.profiles.clear_of_terrain` (bilinear heights in float32, a
    coarse pass first so that most blocked pairs stop early).

    Parameters
    ----------
    dem : Dem
        Ground heights.
    crs : CRS or str
        Projected CRS (metres) of ``site_xy`` and ``village_xy``.
    site_xy, village_xy : ndarray
        ``(n, 2)`` coordinates of each pair's antenna and receiver.
    height_m : ndarray
        Antenna height above ground of each pair.
    receiver_m, k : float
        Receiver height above ground; effective Earth radius factor.
    step_m : float, optional
        Profile spacing; default the DEM pixel size.

    Returns
    -------
    ndarray
        Float array: 1.0 visible, 0.0 blocked, NaN unknown (an end without
        height, or a profile crossing nodata that known terrain does not block).

    Examples
    --------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> flat = Dem(np.zeros((10, 2000)), Affine(30, 0, 0, 0, -30, 300), CRS(32648), "flat")
    >>> s = np.array([[15.0, 150.0], [15.0, 150.0]])
    >>> v = np.array([[25_015.0, 150.0], [30_015.0, 150.0]])
    >>> line_of_sight(flat, "EPSG:32648", s, v, np.array([30.0, 30.0])).tolist()
    [1.0, 0.0]
    """
    return clear_of_terrain(
        dem,
        crs,
        site_xy,
        village_xy,
        np.asarray(height_m, dtype="float64"),
        receiver_m,
        k=k,
        earth_radius_m=EARTH_RADIUS_M,
        step_m=step_m,
    )


def _utm_of(villages: gpd.GeoDataFrame, sites: gpd.GeoDataFrame):
    """The UTM zone of the villages, else of the sites; WGS 84 when both are empty."""
    for frame in (villages, sites):
        if len(frame) and not frame.geometry.is_empty.all():
            return frame.estimate_utm_crs()
    return "EPSG:4326"


def coverage_pairs(
    villages: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    model: str = "distance",
    *,
    dem: Dem | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    max_range_km: float = MAX_RANGE_KM,
    crs=None,
    itm: ItmSettings | None = None,
) -> pd.DataFrame:
    """Every (village, broadband site) pair where the site covers the village.

    Returns
    -------
    DataFrame
        ``village`` and ``site`` (positions in the inputs), ``distance_km``,
        ``los`` (1.0/0.0 or NaN for ``distance``), ``covers`` (bool). For
        ``los`` and ``itm`` every pair within range is listed, covering or
        not; ``itm`` adds the link budget columns of
        :func:`slmap.radio.itm.itm_pairs` and sorts each village's pairs by
        decreasing margin (else by distance).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> v = gpd.GeoDataFrame(geometry=[Point(104.0, 21.0), Point(104.2, 21.0)], crs=4326)
    >>> s = gpd.GeoDataFrame({"technology": ["4g"]}, geometry=[Point(104.01, 21.0)], crs=4326)
    >>> coverage_pairs(v, s)[["village", "site", "covers"]].values.tolist()
    [[0, 0, True]]
    >>> len(coverage_pairs(v.iloc[:0], s))  # no village to serve: no pair (not an error)
    0
    """
    if model not in MODELS:
        raise InputError(f"unknown coverage model '{model}' (expected one of {', '.join(MODELS)})")
    if model in ("los", "itm") and dem is None:
        raise InputError(
            f"the '{model}' model needs terrain: give a DEM GeoTIFF with --dem "
            "(slmap fetch-dem downloads one), or use --model distance"
        )
    crs = crs or _utm_of(villages, sites)
    vx = villages.geometry.to_crs(crs)
    bb = _broadband(sites)
    sx = bb.geometry.to_crs(crs)
    reach = (radius_km if model == "distance" else max_range_km) * 1000.0
    vi, si = sx.sindex.query(vx, predicate="dwithin", distance=reach)
    va = np.column_stack([vx.x.to_numpy()[vi], vx.y.to_numpy()[vi]])
    sa = np.column_stack([sx.x.to_numpy()[si], sx.y.to_numpy()[si]])
    dist = np.hypot(*(va - sa).T) / 1000.0
    site_pos = np.flatnonzero(sites.index.isin(bb.index))[si] if len(si) else si
    pairs = pd.DataFrame({"village": vi, "site": site_pos, "distance_km": dist})
    if model == "distance":
        pairs["los"] = np.nan
        pairs["covers"] = True
    elif model == "los":
        heights = bb["height_m"].to_numpy(dtype="float64")[si]
        pairs["los"] = line_of_sight(dem, crs, sa, va, heights)
        pairs["covers"] = pairs["los"] == 1.0
    else:
        from slmap.radio.itm import itm_pairs

        pairs["los"] = np.nan
        pairs = pd.concat([pairs, itm_pairs(dem, crs, sa, va, bb.iloc[si], itm)], axis=1)
        pairs["covers"] = pairs["margin_db"] >= 0
        pairs["order"] = -pairs["margin_db"].fillna(-np.inf)
        pairs = pairs.sort_values(["village", "order", "distance_km"], kind="stable")
        return pairs.drop(columns="order").reset_index(drop=True)
    return pairs.sort_values(["village", "distance_km"], kind="stable").reset_index(drop=True)


def predict_coverage(
    villages: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    model: str = "distance",
    *,
    dem: Dem | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    max_range_km: float = MAX_RANGE_KM,
    itm: ItmSettings | None = None,
) -> pd.DataFrame:
    """Predict each village's mobile broadband and compare it with the register.

    Parameters
    ----------
    villages : GeoDataFrame
        Points with ``village_id`` and (optionally) ``mobile_broadband``.
    sites : GeoDataFrame
        Points with ``site_id``, ``height_m``, ``technology``.
    model : {"distance", "los", "itm"}
    dem : Dem, optional
        Required for ``los`` and ``itm``.
    itm : ItmSettings, optional
        Parameters of the ``itm`` model (default: :class:`ItmSettings`).

    Returns
    -------
    DataFrame
        Index-aligned with ``villages``: ``predicted_mbb`` (nullable
        boolean: NA when the village has no terrain, see the module text),
        ``best_site_id`` (covering site, nearest first, or highest margin
        first for ``itm``; empty when none), ``distance_km`` (to that site,
        else to the nearest broadband site), ``los`` (for ``los``), for
        ``itm`` ``path_loss_db``, ``margin_db`` and ``itm_warning``
        (``doubtful``, ``out of range`` or empty: ITM's own warning on that
        path) of the best site (when none covers, of the site with the
        highest margin), and ``agreement``.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> v = gpd.GeoDataFrame({"village_id": ["a", "b"], "mobile_broadband": [False, False]},
    ...                      geometry=[Point(104.0, 21.0), Point(104.2, 21.0)], crs=4326)
    >>> s = gpd.GeoDataFrame({"site_id": ["S1"], "technology": ["4g"], "height_m": [30.0]},
    ...                      geometry=[Point(104.01, 21.0)], crs=4326)
    >>> predict_coverage(v, s)[["predicted_mbb", "best_site_id", "agreement"]].values.tolist()
    [[True, 'S1', 'reported_none_predicted_covered'], [False, '', 'agree']]
    """
    crs = villages.estimate_utm_crs()
    n = len(villages)
    pairs = coverage_pairs(
        villages,
        sites,
        model,
        dem=dem,
        radius_km=radius_km,
        max_range_km=max_range_km,
        crs=crs,
        itm=itm,
    )
    covering = pairs[pairs["covers"]].drop_duplicates("village")
    predicted = np.zeros(n, dtype=bool)
    predicted[covering["village"].to_numpy()] = True
    best = np.full(n, "", dtype=object)
    best[covering["village"].to_numpy()] = (
        sites["site_id"].astype(str).to_numpy()[covering["site"].to_numpy()]
    )
    distance = _nearest_km(villages, _broadband(sites), crs)
    distance[covering["village"].to_numpy()] = covering["distance_km"].to_numpy()
    los = np.full(n, np.nan)
    if model == "los":
        seen = pairs.dropna(subset=["los"]).groupby("village")["los"].max()
        los[seen.index.to_numpy()] = seen.to_numpy()
    unknown = no_terrain(villages, pairs, predicted, model, dem, crs)
    out = pd.DataFrame(
        {
            "predicted_mbb": pd.array(
                [None if u else bool(p) for p, u in zip(predicted, unknown, strict=True)],
                dtype="boolean",
            ),
            "best_site_id": best,
            "distance_km": np.round(distance, 3),
            "los": pd.array([None if np.isnan(x) else bool(x) for x in los], dtype="boolean"),
        },
        index=villages.index,
    )
    if model == "itm":
        top = pairs.dropna(subset=["margin_db"]).drop_duplicates("village")
        for col in ("path_loss_db", "margin_db"):
            values = np.full(n, np.nan)
            values[top["village"].to_numpy()] = top[col].round(1).to_numpy()
            out[col] = values
        warning = np.full(n, "", dtype=object)
        warning[top["village"].to_numpy()] = top["itm_code"].map(ITM_WARNINGS).fillna("")
        out["itm_warning"] = warning
    out["agreement"] = agreement(villages, predicted, unknown)
    return out


def _nearest_km(villages: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, crs) -> np.ndarray:
    if sites.empty:
        return np.full(len(villages), np.nan)
    vx = villages.geometry.to_crs(crs)
    sx = sites.geometry.to_crs(crs)
    (vi, _), dist = sx.sindex.nearest(vx, return_distance=True, return_all=False)
    out = np.full(len(villages), np.nan)
    out[vi] = dist / 1000.0
    return out


def summarize(result: pd.DataFrame, *, model: str, synthetic_sites: bool = False) -> dict:
    """Counts of a prediction: villages predicted covered, not covered, without terrain,
    disagreements by kind and (``itm``) ITM's warnings on the best sites.

    Examples
    --------
    >>> r = pd.DataFrame({"predicted_mbb": pd.array([True, False, None], dtype="boolean"),
    ...                   "agreement": ["agree", "reported_covered_predicted_none",
    ...                                 "no_terrain"]})
    >>> s = summarize(r, model="los")
    >>> s["reported_covered_predicted_none"], s["predicted_not_covered"], s["no_terrain"]
    (1, 1, 1)
    """
    agreement = result["agreement"].value_counts()
    predicted = result["predicted_mbb"].astype("boolean")
    warnings = result["itm_warning"].value_counts() if "itm_warning" in result else {}
    return {
        "model": model,
        "villages": len(result),
        "predicted_covered": int((predicted == True).sum()),  # noqa: E712 (NA is neither)
        "predicted_not_covered": int((predicted == False).sum()),  # noqa: E712
        "no_terrain": int(predicted.isna().sum()),
        "agree": int(agreement.get("agree", 0)),
        "reported_none_predicted_covered": int(agreement.get("reported_none_predicted_covered", 0)),
        "reported_covered_predicted_none": int(agreement.get("reported_covered_predicted_none", 0)),
        "itm_doubtful": int(warnings.get(ITM_WARNINGS[3], 0)),
        "itm_out_of_range": int(warnings.get(ITM_WARNINGS[4], 0)),
        "synthetic_sites": synthetic_sites,
    }
