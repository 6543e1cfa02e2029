"""A village's prediction beside its register entry: agreement, and unknown for want of terrain.

``agreement`` is ``agree``, ``reported_none_predicted_covered`` (check on
site: the register may be out of date), ``reported_covered_predicted_none``
(check the register or the site list) or :data:`NO_TERRAIN`: the prediction
is unknown because the terrain under the village, or on every path to it, is
missing (the rule is :func:`no_terrain`'s). Empty when the register does not
say.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.sources.dem import Dem, sample_heights

__all__ = ["NO_TERRAIN", "agreement", "no_terrain"]

#: ``agreement`` of a village whose prediction is unknown for want of terrain.
NO_TERRAIN = "no_terrain"


def no_terrain(
    villages: gpd.GeoDataFrame,
    pairs: pd.DataFrame,
    predicted: np.ndarray,
    model: str,
    dem: Dem | None,
    crs,
) -> np.ndarray:
    """Villages whose prediction is unknown for want of terrain.

    For ``los`` and ``itm``, a village has no terrain when the DEM has no
    height under it (nodata, or beyond the DEM), or when no site covers it
    and the path of at least one site within range is unknown (``los`` or
    ``margin_db`` NaN in ``pairs``): "not covered" is claimed only when every
    site within range was judged on known terrain and none covers. A village
    with terrain and no site within range is not unknown: no site reaches
    it. The ``distance`` model needs no terrain.

    Parameters
    ----------
    villages : GeoDataFrame
        The villages, in the order of ``pairs["village"]``.
    pairs : DataFrame
        From :func:`slmap.radio.predict.coverage_pairs`.
    predicted : ndarray
        Boolean: covered by a site.
    model : str
    dem : Dem, optional
    crs : CRS or str
        Projected CRS the pairs were measured in.

    Returns
    -------
    ndarray
        Boolean, one per village.

    Examples
    --------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> from shapely.geometry import Point
    >>> d = Dem(np.array([[0.0, np.nan]]), Affine(30, 0, 0, 0, -30, 30), CRS(32648), "x")
    >>> v = gpd.GeoDataFrame(geometry=[Point(10, 10), Point(50, 10), Point(500, 10)],
    ...                      crs=32648)
    >>> p = pd.DataFrame({"village": [], "los": [], "margin_db": []})
    >>> no_terrain(v, p, np.zeros(3, bool), "los", d, "EPSG:32648").tolist()
    [False, True, True]
    """
    n = len(villages)
    if model == "distance" or dem is None:
        return np.zeros(n, dtype=bool)
    pts = villages.geometry.to_crs(crs)
    ground = sample_heights(dem, pts.x.to_numpy(), pts.y.to_numpy(), crs)
    answer = pairs["los"] if model == "los" else pairs["margin_db"]
    has_unknown = np.zeros(n, dtype=bool)
    has_unknown[pairs.loc[answer.isna(), "village"].to_numpy(dtype="int64")] = True
    return np.isnan(ground) | (has_unknown & ~predicted)


def agreement(villages: gpd.GeoDataFrame, predicted: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """Agreement of each village's prediction with its register entry.

    Examples
    --------
    >>> v = pd.DataFrame({"mobile_broadband": [True, False, True, None]})
    >>> agreement(v, np.array([True, True, False, False]),
    ...           np.array([False, False, True, False])).tolist()
    ['agree', 'reported_none_predicted_covered', 'no_terrain', '']
    """
    out = np.full(len(villages), "", dtype=object)
    if "mobile_broadband" in villages:
        reported = villages["mobile_broadband"].astype("boolean")
        known = reported.notna().to_numpy()
        reported = reported.to_numpy(dtype=bool, na_value=False)
        out = np.where(
            reported == predicted,
            "agree",
            np.where(
                predicted, "reported_none_predicted_covered", "reported_covered_predicted_none"
            ),
        ).astype(object)
        out[~known] = ""
    out[unknown] = NO_TERRAIN
    return out
