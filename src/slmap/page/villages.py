"""The page's villages: the layers to draw, each as compact columns in search order.

A coverage map draws villages without and with mobile broadband; a change map
draws villages newly covered, still uncovered and newly uncovered
(:func:`village_layers`). Each layer travels as parallel columns (about 70
bytes a village, :func:`village_columns`) ordered by folded name, so the
page's search (:mod:`slmap.page.search`) finds the first matches first; a
large layer is drawn only from a zoom level up (:data:`LAZY_VILLAGES`).

Examples
--------
>>> from types import SimpleNamespace
>>> from slmap.base import glossary
>>> villages = pd.DataFrame({"mobile_broadband": [True, False, False]})
>>> layers = village_layers(SimpleNamespace(villages=villages), None, "en",
...                         glossary.strings("en"))
>>> {key: len(frame) for key, (frame, _) in layers.items()}
{'uncovered': 2, 'covered': 1}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from slmap.base import glossary
from slmap.page.json_values import json_value
from slmap.page.search import SEARCH_SEP, search_order

__all__ = [
    "FOLDED_NAMES_MIN",
    "LAZY_VILLAGES",
    "SIGNALS",
    "VILLAGE_IDS_MAX",
    "village_columns",
    "village_data",
    "village_layers",
]

SIGNALS = ("none", "2g", "3g", "4g", "5g")
#: Up to this many villages the page carries their codes (searchable, shareable).
VILLAGE_IDS_MAX = 20_000
#: Above this many villages in a layer the page carries their folded names (``s``), so the
#: first search never folds; a smaller layer folds its names in the page (~40 ms at 20,000).
FOLDED_NAMES_MIN = 20_000
#: In canvas mode, a village layer larger than this is drawn only from ``zoom`` up.
LAZY_VILLAGES = {"uncovered": (20_000, 9), "covered": (5_000, 11)}


def tristate(frame: pd.DataFrame, col: str) -> np.ndarray:
    """0 = no, 1 = yes, 2 = unknown (missing column or NA)."""
    if col not in frame:
        return np.full(len(frame), 2)
    values = frame[col].astype("boolean")
    return np.where(values.isna(), 2, values.fillna(False).astype(bool).astype(int))


def int_column(series: pd.Series) -> list[int]:
    """Integers with -1 for missing values."""
    return pd.to_numeric(series, errors="coerce").fillna(-1).round().astype(np.int64).tolist()


def village_columns(
    villages: pd.DataFrame, code_ix: dict[str, int], district_ix: dict[str, int], ids: bool = False
) -> dict[str, Any]:
    """Villages as parallel columns (compact: ~70 bytes a village), in search order.

    The villages are ordered by folded name (:func:`search_order`), so the
    page's search finds the first matches first. ``n`` name, ``s`` (above
    :data:`FOLDED_NAMES_MIN` villages) the folded names joined by newlines, ``c`` commune
    (index into ``communeCodes``), ``d`` former district (index into
    ``districtNames``, -1 unknown), ``x``/``y`` lon/lat times 1e5, ``h``
    households and ``p`` population (-1 unknown), ``f`` flags: bits 0-2 signal
    (index into none/2g/3g/4g/5g), bit 3 mobile broadband, bits 4-5 fibre and
    6-7 grid power (0 no, 1 yes, 2 unknown), bit 8 estimated; with ``ids``
    ``i`` the village codes.
    """
    names = ["" if json_value(v) is None else str(v) for v in villages["village_name"]]
    order, folded = search_order(names)
    villages = villages.iloc[order]
    signal = villages["mobile_signal"].map({s: i for i, s in enumerate(SIGNALS)})
    flags = (
        signal.fillna(0).astype(int).to_numpy()
        + 8 * villages["mobile_broadband"].astype(bool).to_numpy()
        + 16 * tristate(villages, "fibre")
        + 64 * tristate(villages, "grid_power")
        + 256 * villages["location_estimated"].astype(bool).to_numpy()
    )
    searched = {"s": SEARCH_SEP.join(folded)} if len(names) > FOLDED_NAMES_MIN else {}
    return {
        "n": [names[i] for i in order],
        **searched,
        "c": [code_ix.get(str(c), -1) for c in villages["commune_code"]],
        "d": [district_ix.get(str(d), -1) for d in villages["district_name"]],
        "x": np.round(villages["lon"].to_numpy(float) * 1e5).astype(np.int64).tolist(),
        "y": np.round(villages["lat"].to_numpy(float) * 1e5).astype(np.int64).tolist(),
        "h": int_column(villages["households"]),
        "p": int_column(villages["population"]),
        "f": flags.astype(np.int64).tolist(),
    } | ({"i": [str(v) for v in villages["village_id"]]} if ids else {})


def village_layers(
    model: Any, change: Any, lang: str, strings: dict[str, str]
) -> dict[str, tuple[pd.DataFrame, str]]:
    """The village layers to draw: key -> (villages, layer name with its count).

    A coverage map has villages without and with mobile broadband; a change
    map has villages newly covered, still uncovered and newly uncovered.
    ``strings`` are the labels of ``lang`` (:func:`slmap.base.glossary.strings`);
    ``lang`` writes the counts.
    """
    if change is None:
        villages = model.villages
        mask = ~villages["mobile_broadband"].astype(bool)
        parts = {"uncovered": (villages[mask], "layer_uncovered"),
                 "covered": (villages[~mask], "layer_covered")}  # fmt: skip
    else:
        status = change.villages["status"]
        parts = {
            "uncovered": (change.villages[status == "still_uncovered"], "layer_still_uncovered"),
            "covered": (change.villages[status == "newly_covered"], "layer_newly_covered"),
            "newlyUncovered": (
                change.villages[status == "newly_uncovered"],
                "layer_newly_uncovered",
            ),
        }
    return {
        key: (frame, strings[label].format(n=glossary.format_number(len(frame), lang)))
        for key, (frame, label) in parts.items()
    }


def village_data(layers: dict, model: Any, canvas: bool) -> dict[str, Any]:
    """The layers' columns with the tables they index into, their zoom levels and names.

    Returns each layer key's :func:`village_columns`, ``communeCodes`` (the
    model's communes first), ``districtNames``, ``minZoom`` (per layer, 0 when
    drawn at every zoom) and ``layerNames``.
    """
    villages = pd.concat([frame for frame, _ in layers.values()])
    district_names = sorted({str(d) for d in villages["district_name"].dropna()})
    district_ix = {name: i for i, name in enumerate(district_names)}
    codes = [str(c) for c in model.communes.index]
    codes += sorted({str(c) for c in villages["commune_code"]} - set(codes))
    code_ix = {code: i for i, code in enumerate(codes)}
    min_zoom = {
        key: zoom if canvas and len(layers[key][0]) > limit else 0
        for key, (limit, zoom) in LAZY_VILLAGES.items()
    }
    ids = len(villages) <= VILLAGE_IDS_MAX  # village codes are searchable on maps of this size
    data = {
        key: village_columns(frame, code_ix, district_ix, ids) for key, (frame, _) in layers.items()
    }
    return data | {
        "communeCodes": codes,
        "districtNames": district_names,
        "minZoom": min_zoom,
        "layerNames": {key: name for key, (_, name) in layers.items()},
    }
