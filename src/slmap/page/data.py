"""The data the map page receives: communes, villages, outlines, legend and title.

Everything here turns a model into plain JSON-ready values; :mod:`slmap.page.render`
puts them into a Folium map. Input text reaches the page only as JSON shown
with ``textContent``.
"""

from __future__ import annotations

import math
import re
from pathlib import PurePath
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from slmap.admin.dates import display_date
from slmap.base import glossary
from slmap.model.classify import Classification
from slmap.page.search import SEARCH_SEP, search_order

__all__ = [
    "CANVAS_COMMUNES",
    "CANVAS_VILLAGES",
    "CHANGE_METRIC",
    "LAZY_VILLAGES",
    "VILLAGE_IDS_MAX",
    "commune_properties",
    "district_communes",
    "json_value",
    "legend_data",
    "metric_unit",
    "page_strings",
    "title_block",
    "village_data",
    "village_layers",
    "with_change",
]


def json_value(value: Any) -> Any:
    """JSON-friendly scalar: NA/NaN -> None, numpy -> Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def json_int(value: Any) -> int | None:
    value = json_value(value)
    return None if value is None else int(value)


def format_metric(metric: str, value: Any, lang: str) -> str | None:
    value = json_value(value)
    if value is None:
        return None
    if metric in ("villages_no_mbb", CHANGE_METRIC):
        return glossary.format_number(value, lang)
    return glossary.format_percent(value, lang)


def commune_properties(
    model: Any, metric: str, cls: Classification, lang: str
) -> list[dict[str, Any]]:
    """What the page shows of each commune, in the communes' order.

    ``code``, ``name``, ``v`` the metric as text, ``k`` its class (-1 no
    data), ``u`` villages without mobile broadband and ``n`` villages. The
    geometry travels apart, as a topology (see :mod:`slmap.page.topology`).
    """
    communes = model.communes
    return [
        {
            "code": str(code),
            "name": json_value(row.commune_name),
            "v": format_metric(metric, getattr(row, metric), lang),
            "k": int(k),
            "u": json_int(row.villages_no_mbb),
            "n": json_int(row.villages),
        }
        for code, row, k in zip(communes.index, communes.itertuples(), cls.classes, strict=True)
    ]


SIGNALS = ("none", "2g", "3g", "4g", "5g")
#: Above this many communes (or villages) the map draws on a canvas, not SVG.
CANVAS_COMMUNES = 500
CANVAS_VILLAGES = 10_000
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


def province_name(model: Any, lang: str = "vi") -> str:
    """The place a map shows, as its title names it.

    ``Việt Nam`` (``Vietnam`` in English) for the whole country; the official
    names of a list of provinces joined by commas (without "Tỉnh" in
    English); one province as "Tỉnh Sơn La" / "Sơn La province", a city as
    "Thành phố Hà Nội" / "Hà Nội".

    Examples
    --------
    >>> m = SimpleNamespace(province=None, communes=None,
    ...                     provenance=SimpleNamespace(province_codes=("all",)))
    >>> province_name(m), province_name(m, "en")
    ('Việt Nam', 'Vietnam')
    >>> m.provenance.province_codes = ("14", "01")
    >>> province_name(m), province_name(m, "en")
    ('Tỉnh Sơn La, Thành phố Hà Nội', 'Sơn La, Hà Nội')
    """
    from slmap.admin.registry import province_label
    from slmap.base.names import strip_prefix

    codes = tuple(getattr(getattr(model, "provenance", None), "province_codes", None) or ())
    if "all" in codes:
        return province_label(None, lang)
    if len(codes) > 1:
        names = province_label(codes).split(", ")
        return ", ".join(names if lang == "vi" else [strip_prefix(n) for n in names])
    name = ""
    for frame in (model.province, model.communes):
        if frame is not None and "province_name" in frame and len(frame):
            name = str(frame["province_name"].iloc[0])
            break
    if not name.startswith(("Tỉnh ", "tỉnh ")):
        return name if lang == "vi" else strip_prefix(name)
    return glossary.t("province", lang, name=name[len("Tỉnh ") :])


_SPLIT = re.compile(r"^(.*) \(split into the (\S+) layout\)$")


def source_name(source: Any, lang: str = "en") -> str:
    """File name of a source path (a reader needs no local folders), in ``lang``.

    Examples
    --------
    >>> source_name("/d/wards_14.json (split into the 2023 layout)", "vi")
    'wards_14.json (chia theo bố cục 2023)'
    """
    text = str(source or "")
    split = _SPLIT.match(text)
    if split:
        inner = source_name(split.group(1), lang)
        return glossary.t("source_split", lang, source=inner, layout=split.group(2))
    if text.startswith("approximate boundaries from official commune centres"):
        return glossary.t("source_approximate", lang)
    return PurePath(text).name if ("/" in text or "\\" in text) else text


def title_block(model: Any, metric_label: str, lang: str, change: Any = None) -> dict[str, Any]:
    prov = model.provenance
    name = province_name(model, lang)
    title = glossary.t("title", lang)
    if name:
        title = f"{title} – {name}"
    subtitle = metric_label
    if change is not None:
        period = glossary.t(
            "change_period",
            lang,
            before=display_date(change.as_of_before, lang) or "?",
            after=display_date(change.as_of_after, lang) or "?",
        )
        subtitle = f"{metric_label} · {period}"
    elif getattr(prov, "data_date", None):
        date = display_date(prov.data_date, lang)
        subtitle = f"{metric_label} · {glossary.t('data_date', lang, date=date)}"
    sources = glossary.t(
        "sources",
        lang,
        boundaries=source_name(getattr(prov, "boundaries", ""), lang),
        register=source_name(getattr(prov, "register", ""), lang),
    )
    return {
        "title": title,
        "subtitle": subtitle,
        "sources": sources,
        "sample": bool(getattr(prov, "sample", False)),
        "approximate": bool(getattr(prov, "approximate", False)),
    }


#: The commune metric of a change map (see :mod:`slmap.model.change`).
CHANGE_METRIC = "newly_covered"


def village_layers(model: Any, change: Any, lang: str) -> dict[str, tuple[pd.DataFrame, str]]:
    """The village layers to draw: key -> (villages, layer name with its count).

    A coverage map has villages without and with mobile broadband; a change
    map has villages newly covered, still uncovered and newly uncovered.
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
        key: (frame, glossary.t(label, lang, n=glossary.format_number(len(frame), lang)))
        for key, (frame, label) in parts.items()
    }


def with_change(model: Any, change: Any) -> Any:
    """The model with the communes' ``newly_covered`` count of a change."""
    rows = change.rows[change.rows["level"] == "commune"].set_index("code")
    communes = model.communes.copy()
    communes[CHANGE_METRIC] = rows[CHANGE_METRIC].reindex(communes.index.astype(str)).to_numpy()
    return SimpleNamespace(
        communes=communes,
        villages=model.villages,
        districts=model.districts,
        province=model.province,
        provenance=model.provenance,
    )


def village_data(layers: dict, model: Any, canvas: bool) -> dict[str, Any]:
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


def page_strings(lang: str, layout: str) -> dict[str, str]:
    strings = glossary.strings(lang)
    if layout != "2025":
        strings["field_district"] = glossary.t("layer_districts_current", lang)
    return strings


def metric_unit(metric: str, lang: str) -> str:
    counts = ("villages_no_mbb", CHANGE_METRIC)
    return glossary.t("unit_count" if metric in counts else "unit_percent", lang)


def legend_data(cls: Classification, label: str, unit: str) -> dict[str, Any]:
    return {
        "title": label,
        "unit": f"({unit})",
        "classes": [
            {"label": lab, "color": col, "count": cnt}
            for lab, col, cnt in zip(cls.labels, cls.colors, cls.counts, strict=True)
        ],
        "nodataCount": cls.nodata_count,
    }


def district_communes(model: Any) -> dict[str, list[str]]:
    """Former district name -> codes of its communes (search finds districts too).

    A 2025 commune belongs to the former district most of its former communes
    were in (see :mod:`slmap.admin.layouts`).
    """
    communes = model.communes
    if "district_name" not in communes:
        return {}
    out: dict[str, list[str]] = {}
    for code, name in communes["district_name"].items():
        if json_value(name) is not None:
            out.setdefault(str(name), []).append(str(code))
    return out
