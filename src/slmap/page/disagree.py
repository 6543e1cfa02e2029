"""The villages where a prediction and the map's register disagree, by kind.

A prediction file (``slmap predict --out``) says per ``village_id`` whether
the village is predicted covered (``predicted_mbb``). Joined by
``village_id`` to the map's own villages (:func:`slmap.page.plan.register_index`;
an id the register does not have is a problem naming file, row and id), it
is compared with the register's ``mobile_broadband``: reported none but
predicted covered (check on site, the register may be out of date), or
reported covered but predicted none (check the register or the site list).
The file's own ``agreement`` column is checked, never trusted blindly.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import Problem
from slmap.page.plan import check_known, register_index, unknown_villages, village_points

__all__ = ["DISAGREEMENTS", "disagreements"]

#: The two disagreement kinds, as ``slmap predict`` writes them, and their page layer keys.
DISAGREEMENTS = {
    "reported_none_predicted_covered": "predNoneCovered",
    "reported_covered_predicted_none": "predCoveredNone",
}


def disagreements(villages: gpd.GeoDataFrame, prediction: Any, inputs: Any) -> dict[str, Any]:
    """Villages whose prediction disagrees with the map's register, by kind.

    The prediction file's ``predicted_mbb`` is compared with the map's own
    ``mobile_broadband`` (the file's ``agreement`` column is checked, and a
    difference reported, never trusted blindly).

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        The map's villages (``village_id``, ``mobile_broadband``, points).
    prediction : slmap.sources.predictions.PredictionTable
        The prediction file read (its ``frame`` and ``source``).
    inputs : slmap.page.predict.PredictionInputs
        ``keep_going`` (unknown ids left out instead of failing); its
        ``warnings`` receive what the caller should print.

    Returns
    -------
    dict
        ``model``, ``predicted`` (villages predicted covered) and, under each
        kind's page layer key (:data:`DISAGREEMENTS`), its villages as points
        with ``s`` the covering site and ``d`` the distance to it (km).

    Raises
    ------
    InputError
        A village id unknown to the register, unless ``inputs.keep_going``.
    """
    frame = prediction.frame
    index = register_index(villages)
    ids = frame["village_id"].astype(str)
    check_known(
        unknown_villages(ids, frame["row"], index.index, prediction.source, "prediction file"),
        inputs,
        prediction.source,
    )
    frame = frame[ids.isin(index.index).to_numpy()]
    pos = index[frame["village_id"].astype(str)].to_numpy()
    reported = villages["mobile_broadband"].astype("boolean").iloc[pos].to_numpy(na_value=None)
    unknown = frame["predicted_mbb"].isna().to_numpy()  # no terrain: neither covered nor not
    predicted = frame["predicted_mbb"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    kind = np.full(len(frame), "", dtype=object)
    known = np.array([r is not None for r in reported], dtype=bool)
    rep = np.array([bool(r) for r in reported], dtype=bool)
    kind[known & (rep == predicted)] = "agree"
    kind[known & ~rep & predicted] = "reported_none_predicted_covered"
    kind[known & rep & ~predicted] = "reported_covered_predicted_none"
    kind[unknown] = "no_terrain"
    _check_agreement(frame, kind, prediction.source, inputs)
    missing = len(villages) - len(frame)
    if missing:
        inputs.warnings.append(
            Problem(
                prediction.source,
                f"{missing} village(s) of the map's register are not in this file: "
                "drawn without a prediction",
                severity="warning",
                kind="not_predicted",
            )
        )
    out: dict[str, Any] = {"model": _first(frame["model"]), "predicted": int(predicted.sum())}
    for name, key in DISAGREEMENTS.items():
        chosen = kind == name
        points = village_points(villages, pos[chosen])
        points["s"] = [str(v) for v in frame["best_site_id"].to_numpy()[chosen]]
        points["d"] = [None if np.isnan(v) else v for v in frame["distance_km"].to_numpy()[chosen]]
        out[key] = points
    return out


def _first(series: pd.Series) -> str:
    values = [v for v in series.astype(str) if v]
    return values[0] if values else ""


def _check_agreement(frame, kind, src: str, inputs: Any) -> None:
    written = frame["agreement"].astype(str).to_numpy()
    differ = (written != "") & (written != kind)
    if differ.any():
        inputs.warnings.append(
            Problem(
                src,
                f"{int(differ.sum())} village(s) have an 'agreement' that differs from the map's "
                "register (the prediction was made against another register?): the map compares "
                "predicted_mbb with its own register",
                severity="warning",
                kind="agreement",
            )
        )
