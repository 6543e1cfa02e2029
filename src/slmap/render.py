"""Build the offline coverage map (a :class:`folium.Map`); never writes files.

A commune choropleth of one metric with an explicit "no data" class, villages
without mobile broadband on top (estimated locations hollow), covered villages
as a quieter layer, outlines, legend, title, scale bar, layer control and an
accent-insensitive search; every script is inlined from :mod:`slmap.assets`.
Input text reaches the page only as JSON shown with ``textContent``. Small
maps draw SVG (hatched "no data"); above :data:`CANVAS_COMMUNES` communes or
:data:`CANVAS_VILLAGES` villages everything draws on canvas, villages travel
as compact columns, and a large village layer is drawn only from a zoom level
up, inside the view (:data:`LAZY_VILLAGES`).

Examples
--------
>>> from slmap.model import load_coverage
>>> from slmap.render import render_html
>>> html = render_html(load_coverage(), metric="share_4g", lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
from pathlib import PurePath
from types import SimpleNamespace
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from slmap import assets, i18n
from slmap.classify import METRIC_KEYS, Classification, bad_option, classify
from slmap.dates import display_date
from slmap.simplify import DEFAULT_TOLERANCE, simplify_coverage

__all__ = ["TILES", "build_map", "map_html", "render_html"]

#: Online basemaps offered with ``tiles=`` (none by default: the map is offline).
TILES = {"osm": "OpenStreetMap"}


class _Layers(MacroElement):
    """Inlines the assets in the header and calls ``slmapInit`` with the data."""

    _template = Template(
        "{% macro header(this, kwargs) %}{{ this.head }}{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "slmapInit({{ this._parent.get_name() }}, {{ this.groups }}, {{ this.placeholder }});"
        "{% endmacro %}"
    )

    def __init__(self, groups: dict[str, str], data: str) -> None:
        super().__init__()
        self._name = "SlmapLayers"
        self.head = assets.head_html()
        self.groups = "{" + ",".join(f"{k}:{v}" for k, v in groups.items()) + "}"
        self.data = data
        # folium compiles rendered scripts as Jinja (~1 s per 10 MB; "{{" in a name
        # would be Jinja): the page gets a placeholder that map_html replaces.
        self.placeholder = f"/*slmap-data-{id(self):x}*/null"


class _Ready(MacroElement):
    """Added last: tells tests (and other scripts) that the map is complete."""

    _template = Template(
        "{% macro script(this, kwargs) %}window.slmapReady = true;"
        "window.dispatchEvent(new Event('slmap:ready'));{% endmacro %}"
    )


def _strip_cdn(element: Any) -> None:
    """Remove folium's CDN script/stylesheet links from ``element`` and its children."""
    if hasattr(element, "default_js"):
        element.default_js = []
    if hasattr(element, "default_css"):
        element.default_css = []
    for child in getattr(element, "_children", {}).values():
        _strip_cdn(child)


def _value(value: Any) -> Any:
    """JSON-friendly scalar: NA/NaN -> None, numpy -> Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _int(value: Any) -> int | None:
    value = _value(value)
    return None if value is None else int(value)


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _outline(frame: Any, tolerance: float, name_col: str) -> dict[str, Any] | None:
    if frame is None or not len(frame):
        return None
    geoms = simplify_coverage(frame.geometry.values, tolerance)
    names = frame[name_col] if name_col in frame else pd.Series("", index=frame.index)
    return _fc(
        [
            {"type": "Feature", "geometry": mapping(g), "properties": {"name": _value(n)}}
            for g, n in zip(geoms, names, strict=True)
            if not g.is_empty
        ]
    )


def _format_metric(metric: str, value: Any, lang: str) -> str | None:
    value = _value(value)
    if value is None:
        return None
    if metric in ("villages_no_mbb", CHANGE_METRIC):
        return i18n.format_number(value, lang)
    return i18n.format_percent(value, lang)


def _communes(model: Any, metric: str, cls: Classification, lang: str, tolerance: float):
    communes = model.communes
    geoms = simplify_coverage(communes.geometry.values, tolerance)
    features = []
    for code, row, geom, k in zip(
        communes.index, communes.itertuples(), geoms, cls.classes, strict=True
    ):
        props = {
            "code": str(code),
            "name": _value(row.commune_name),
            "v": _format_metric(metric, getattr(row, metric), lang),
            "k": int(k),
            "u": _int(row.villages_no_mbb),
            "n": _int(row.villages),
        }
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": props})
    return _fc(features)


_SIGNALS = ("none", "2g", "3g", "4g", "5g")
#: Above this many communes (or villages) the map draws on a canvas, not SVG.
CANVAS_COMMUNES = 500
CANVAS_VILLAGES = 10_000
#: In canvas mode, a village layer larger than this is drawn only from ``zoom`` up.
LAZY_VILLAGES = {"uncovered": (20_000, 9), "covered": (5_000, 11)}


def _tri(frame: pd.DataFrame, col: str) -> np.ndarray:
    """0 = no, 1 = yes, 2 = unknown (missing column or NA)."""
    if col not in frame:
        return np.full(len(frame), 2)
    values = frame[col].astype("boolean")
    return np.where(values.isna(), 2, values.fillna(False).astype(bool).astype(int))


def _ints(series: pd.Series) -> list[int]:
    """Integers with -1 for missing values."""
    return pd.to_numeric(series, errors="coerce").fillna(-1).round().astype(np.int64).tolist()


def _villages(
    villages: pd.DataFrame, code_ix: dict[str, int], district_ix: dict[str, int]
) -> dict[str, Any]:
    """Villages as parallel columns (compact: ~55 bytes a village).

    ``n`` name, ``c`` commune (index into ``communeCodes``), ``d`` former
    district (index into ``districtNames``, -1 unknown), ``x``/``y`` lon/lat
    times 1e5, ``h`` households and ``p`` population (-1 unknown), ``f`` flags:
    bits 0-2 signal (index into none/2g/3g/4g/5g), bit 3 mobile broadband,
    bits 4-5 fibre and 6-7 grid power (0 no, 1 yes, 2 unknown), bit 8 estimated.
    """
    signal = villages["mobile_signal"].map({s: i for i, s in enumerate(_SIGNALS)})
    flags = (
        signal.fillna(0).astype(int).to_numpy()
        + 8 * villages["mobile_broadband"].astype(bool).to_numpy()
        + 16 * _tri(villages, "fibre")
        + 64 * _tri(villages, "grid_power")
        + 256 * villages["location_estimated"].astype(bool).to_numpy()
    )
    names = villages["village_name"].astype(object)
    return {
        "n": ["" if _value(v) is None else str(v) for v in names],
        "c": [code_ix.get(str(c), -1) for c in villages["commune_code"]],
        "d": [district_ix.get(str(d), -1) for d in villages["district_name"]],
        "x": np.round(villages["lon"].to_numpy(float) * 1e5).astype(np.int64).tolist(),
        "y": np.round(villages["lat"].to_numpy(float) * 1e5).astype(np.int64).tolist(),
        "h": _ints(villages["households"]),
        "p": _ints(villages["population"]),
        "f": flags.astype(np.int64).tolist(),
    }


def _province_name(model: Any) -> str:
    for frame in (model.province, model.communes):
        if frame is not None and "province_name" in frame and len(frame):
            return str(frame["province_name"].iloc[0])
    return ""


def _source_name(source: Any) -> str:
    """File name of a source path (a reader needs no local folders), else the text."""
    text = str(source or "")
    return PurePath(text).name if ("/" in text or "\\" in text) else text


def _title(model: Any, metric_label: str, lang: str, change: Any = None) -> dict[str, Any]:
    prov = model.provenance
    name = _province_name(model)
    for prefix in ("Tỉnh ", "tỉnh "):
        name = name.removeprefix(prefix)
    title = i18n.t("title", lang)
    if name:
        title = f"{title} – {i18n.t('province', lang, name=name)}"
    subtitle = metric_label
    if change is not None:
        period = i18n.t(
            "change_period",
            lang,
            before=display_date(change.as_of_before, lang) or "?",
            after=display_date(change.as_of_after, lang) or "?",
        )
        subtitle = f"{metric_label} · {period}"
    elif getattr(prov, "data_date", None):
        date = display_date(prov.data_date, lang)
        subtitle = f"{metric_label} · {i18n.t('data_date', lang, date=date)}"
    sources = i18n.t(
        "sources",
        lang,
        boundaries=_source_name(getattr(prov, "boundaries", "")),
        register=_source_name(getattr(prov, "register", "")),
    )
    return {
        "title": title,
        "subtitle": subtitle,
        "sources": sources,
        "sample": bool(getattr(prov, "sample", False)),
        "approximate": bool(getattr(prov, "approximate", False)),
    }


#: The commune metric of a change map (see :mod:`slmap.change`).
CHANGE_METRIC = "newly_covered"


def _check_options(metric: str, tiles: str | None, lang: str) -> None:
    if metric not in (*METRIC_KEYS, CHANGE_METRIC):
        raise bad_option(
            "--metric", f"unknown metric {metric!r}; expected {', '.join(METRIC_KEYS)}"
        )
    if tiles is not None and tiles not in TILES:
        raise bad_option("--tiles", f"unknown basemap {tiles!r}; expected osm")
    i18n.t("title", lang)  # validates lang


def _village_layers(model: Any, change: Any, lang: str) -> dict[str, tuple[pd.DataFrame, str]]:
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
        key: (frame, i18n.t(label, lang, n=i18n.format_number(len(frame), lang)))
        for key, (frame, label) in parts.items()
    }


def _with_change(model: Any, change: Any) -> Any:
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


def _village_data(layers: dict, model: Any, canvas: bool) -> dict[str, Any]:
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
    data = {key: _villages(frame, code_ix, district_ix) for key, (frame, _) in layers.items()}
    return data | {
        "communeCodes": codes,
        "districtNames": district_names,
        "minZoom": min_zoom,
        "layerNames": {key: name for key, (_, name) in layers.items()},
    }


def build_map(
    model: Any,
    *,
    metric: str = "villages_no_mbb",
    scheme: str | None = None,
    k: int = 5,
    breaks: str | list[float] | None = None,
    lang: str = "vi",
    tiles: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    change: Any = None,
) -> folium.Map:
    """Build the coverage map of ``model`` as a :class:`folium.Map`.

    Parameters
    ----------
    model : slmap.model.CoverageModel
        Communes, villages, optional districts and province, provenance.
    metric : str, default "villages_no_mbb"
        Commune metric to colour: one of ``villages_no_mbb``, ``share_4g``,
        ``pop_4g_share``, ``fibre_hh_share``.
    scheme, k, breaks
        Classification (see :func:`slmap.classify.classify`).
    lang : {"vi", "en"}, default "vi"
        Language of every label, legend entry, tooltip and popup.
    tiles : {"osm"} or None, default None
        Online basemap; ``None`` keeps the map fully offline.
    tolerance : float
        Boundary simplification tolerance in degrees (0 keeps every vertex).
    change : slmap.change.Change, optional
        Draw a change map: communes coloured by villages newly covered, and
        three village layers (newly covered, still uncovered, newly
        uncovered) instead of uncovered and covered. ``model`` is the model
        of the later date.

    Returns
    -------
    folium.Map
        Ready to render with :func:`map_html`; nothing is written.

    Examples
    --------
    >>> from slmap.model import load_coverage
    >>> fmap = build_map(load_coverage(), metric="share_4g", lang="en")  # doctest: +SKIP
    """
    if change is not None:
        model, metric = _with_change(model, change), CHANGE_METRIC
    _check_options(metric, tiles, lang)
    layout = getattr(model.provenance, "layout", "2025")
    cls = classify(
        model.communes[metric], metric=metric, scheme=scheme, k=k, breaks=breaks, lang=lang
    )
    metric_label = i18n.t(f"metric_{metric}", lang)
    layers = _village_layers(model, change, lang)
    n_villages = sum(len(frame) for frame, _ in layers.values())
    canvas = len(model.communes) > CANVAS_COMMUNES or n_villages > CANVAS_VILLAGES
    data = {
        "lang": lang,
        "tiles": tiles is not None,
        "s": _strings(lang, layout),
        "metric": {"key": metric, "label": metric_label, "unit": _unit(metric, lang)},
        "legend": _legend(cls, metric_label, _unit(metric, lang)),
        "nodataColor": "#d9d9d9",
        "title": _title(model, metric_label, lang, change),
        "communes": _communes(model, metric, cls, lang, tolerance),
        "communeNames": {
            str(code): _value(name) for code, name in model.communes["commune_name"].items()
        },
        "canvas": canvas,
        "change": change is not None,
        "districts": _outline(model.districts, tolerance, "district_name"),
        "province": _outline(model.province, tolerance, "province_name"),
        "districtLegend": i18n.t(
            "legend_district" if layout == "2025" else "layer_districts_current", lang
        ),
    }
    data |= _village_data(layers, model, canvas)
    data["zoomHint"] = i18n.t("zoom_hint", lang, z=max(data["minZoom"].values()))
    return _folium_map(data, layout, tiles, lang)


def _strings(lang: str, layout: str) -> dict[str, str]:
    strings = i18n.strings(lang)
    if layout != "2025":
        strings["field_district"] = i18n.t("layer_districts_current", lang)
    return strings


def _unit(metric: str, lang: str) -> str:
    counts = ("villages_no_mbb", CHANGE_METRIC)
    return i18n.t("unit_count" if metric in counts else "unit_percent", lang)


def _legend(cls: Classification, label: str, unit: str) -> dict[str, Any]:
    return {
        "title": label,
        "unit": f"({unit})",
        "classes": [
            {"label": lab, "color": col, "count": cnt}
            for lab, col, cnt in zip(cls.labels, cls.colors, cls.counts, strict=True)
        ],
        "nodataCount": cls.nodata_count,
    }


def _folium_map(data: dict[str, Any], layout: str, tiles: str | None, lang: str) -> folium.Map:
    fmap = folium.Map(
        tiles=None,
        location=[21.3, 103.9],
        zoom_start=8,
        control_scale=False,
        prefer_canvas=data["canvas"],
        zoomSnap=0.25,
        zoomDelta=0.5,
    )
    if tiles is not None:
        folium.TileLayer(TILES[tiles], name=i18n.t("layer_osm", lang)).add_to(fmap)
    label = i18n.t("layer_communes", lang, metric=data["metric"]["label"])
    groups = {"communes": folium.FeatureGroup(name=label)}
    for key, name in data["layerNames"].items():
        groups[key] = folium.FeatureGroup(name=name)
    if data["districts"] is not None:
        label = "layer_districts" if layout == "2025" else "layer_districts_current"
        groups["districts"] = folium.FeatureGroup(name=i18n.t(label, lang))
    if data["province"] is not None:
        groups["province"] = folium.FeatureGroup(name=i18n.t("layer_province", lang))
    for group in groups.values():
        group.add_to(fmap)
    names = {key: group.get_name() for key, group in groups.items()}
    _Layers(names, assets.json_for_script(data)).add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _Ready().add_to(fmap)
    _strip_cdn(fmap)
    fmap.slmap_lang = lang
    fmap.get_root().title = html.escape(data["title"]["title"])
    return fmap


def map_html(fmap: folium.Map) -> str:
    """Render ``fmap`` to one self-contained HTML string (no CDN links).

    Examples
    --------
    >>> html = map_html(fmap)  # doctest: +SKIP
    """
    _strip_cdn(fmap)
    page = fmap.get_root().render()
    for child in fmap._children.values():
        if isinstance(child, _Layers):
            page = page.replace(child.placeholder, child.data, 1)
    lang = getattr(fmap, "slmap_lang", "vi")
    return page.replace("<html>", f'<html lang="{lang}">', 1)


def render_html(model: Any, **options: Any) -> str:
    """Build the map of ``model`` (see :func:`build_map`) and render it to HTML.

    Examples
    --------
    >>> html = render_html(load_coverage(), metric="fibre_hh_share")  # doctest: +SKIP
    """
    return map_html(build_map(model, **options))
