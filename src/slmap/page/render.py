"""Build the offline coverage map (a :class:`folium.Map`); never writes files.

A commune choropleth of one metric with an explicit "no data" class, villages
without mobile broadband on top (estimated locations hollow), covered villages
as a quieter layer, outlines, legend, title, scale bar, layer control and an
accent-insensitive search; every script is inlined from :mod:`slmap.page.assets`.
Input text reaches the page only as JSON shown with ``textContent``. Small
maps draw SVG (hatched "no data"); above :data:`CANVAS_COMMUNES` communes or
:data:`CANVAS_VILLAGES` villages everything draws on canvas, villages travel
as compact columns, and a large village layer is drawn only from a zoom level
up, inside the view (:data:`LAZY_VILLAGES`).

Examples
--------
>>> from slmap.model import load_coverage
>>> from slmap.page.render import render_html
>>> html = render_html(load_coverage(), metric="share_4g", lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

import html
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from slmap.base import glossary
from slmap.base.simplify import DEFAULT_TOLERANCE
from slmap.model.classify import METRIC_KEYS, bad_option, classify
from slmap.page import answers as map_answers
from slmap.page import assets
from slmap.page import data as map_data
from slmap.page import topology as map_topology

__all__ = ["TILES", "build_map", "map_html", "render_html"]

#: Online basemaps offered with ``tiles=`` (none by default: the map is offline).
TILES = {"osm": "OpenStreetMap"}

#: Deepest zoom of a map (village level; beyond it the map only magnifies dots).
MAX_ZOOM = 16


class _Layers(MacroElement):
    """Inlines the assets in the header and calls ``slmapInit`` with the data."""

    _template = Template(
        "{% macro header(this, kwargs) %}{{ this.head }}{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "slmapInit({{ this._parent.get_name() }}, {{ this.groups }}, {{ this.placeholder }});"
        "{% endmacro %}"
    )

    def __init__(self, groups: dict[str, str], data: str, extra_head: str = "") -> None:
        super().__init__()
        self._name = "SlmapLayers"
        # the TopoJSON decoder of the communes and outlines (slmap.page.topology)
        decoder = assets.asset_text("vendor/topojson-client/topojson-client.min.js")
        self.head = assets.head_html() + "\n" + assets.script_tag(decoder) + extra_head
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


def _check_options(metric: str, tiles: str | None, lang: str) -> None:
    if metric not in (*METRIC_KEYS, map_data.CHANGE_METRIC):
        raise bad_option(
            "--metric", f"unknown metric {metric!r}; expected {', '.join(METRIC_KEYS)}"
        )
    if tiles is not None and tiles not in TILES:
        raise bad_option("--tiles", f"unknown basemap {tiles!r}; expected osm")
    glossary.t("title", lang)  # validates lang


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
    predicted: dict[str, Any] | None = None,
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
        Classification (see :func:`slmap.model.classify.classify`).
    lang : {"vi", "en"}, default "vi"
        Language of every label, legend entry, tooltip and popup.
    tiles : {"osm"} or None, default None
        Online basemap; ``None`` keeps the map fully offline.
    tolerance : float
        Boundary simplification tolerance in degrees (0 keeps every vertex).
    change : slmap.model.change.Change, optional
        Draw a change map: communes coloured by villages newly covered, and
        three village layers (newly covered, still uncovered, newly
        uncovered) instead of uncovered and covered. ``model`` is the model
        of the later date.
    predicted : dict, optional
        Prediction and plan layers from :func:`slmap.page.predict.page_data`
        (existing sites, predicted area, disagreements, proposed sites).

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
        model, metric = map_data.with_change(model, change), map_data.CHANGE_METRIC
    _check_options(metric, tiles, lang)
    layout = getattr(model.provenance, "layout", "2025")
    cls = classify(
        model.communes[metric], metric=metric, scheme=scheme, k=k, breaks=breaks, lang=lang
    )
    metric_label = glossary.t(f"metric_{metric}", lang)
    unit = map_data.metric_unit(metric, lang)
    layers = map_data.village_layers(model, change, lang)
    n_villages = sum(len(frame) for frame, _ in layers.values())
    canvas = len(model.communes) > map_data.CANVAS_COMMUNES or n_villages > map_data.CANVAS_VILLAGES
    data = {
        "lang": lang,
        "tiles": tiles is not None,
        "s": map_data.page_strings(lang, layout),
        "metric": {"key": metric, "label": metric_label, "unit": unit},
        "legend": map_data.legend_data(cls, metric_label, unit),
        "nodataColor": "#d9d9d9",
        "title": map_data.title_block(model, metric_label, lang, change),
        "topology": map_topology.page_topology(
            model, map_data.commune_properties(model, metric, cls, lang), tolerance
        ),
        "communeNames": {
            str(code): map_data.json_value(name)
            for code, name in model.communes["commune_name"].items()
        },
        "canvas": canvas,
        "change": change is not None,
        "districtLegend": glossary.t(
            "legend_district" if layout == "2025" else "layer_districts_current", lang
        ),
    }
    data |= map_data.village_data(layers, model, canvas)
    data["districtCommunes"] = map_data.district_communes(model)
    data["answers"] = map_answers.answers(model) if change is None else None
    data["zoomHint"] = glossary.t("zoom_hint", lang, z=max(data["minZoom"].values()))
    data["predict"] = predicted
    return _folium_map(data, layout, tiles, lang)


def _folium_map(data: dict[str, Any], layout: str, tiles: str | None, lang: str) -> folium.Map:
    fmap = folium.Map(
        tiles=None,
        location=[21.3, 103.9],
        zoom_start=8,
        control_scale=False,
        prefer_canvas=data["canvas"],
        zoomSnap=0.25,
        zoomDelta=0.5,
        maxZoom=MAX_ZOOM,
        minZoom=4,
    )
    if tiles is not None:
        folium.TileLayer(TILES[tiles], name=glossary.t("layer_osm", lang)).add_to(fmap)
    label = glossary.t("layer_communes", lang, metric=data["metric"]["label"])
    groups = {"communes": folium.FeatureGroup(name=label)}
    for key, name in data["layerNames"].items():
        groups[key] = folium.FeatureGroup(name=name)
    outlines = data["topology"]["objects"]
    if "districts" in outlines:
        label = "layer_districts" if layout == "2025" else "layer_districts_current"
        groups["districts"] = folium.FeatureGroup(name=glossary.t(label, lang))
    if "province" in outlines:
        groups["province"] = folium.FeatureGroup(name=glossary.t("layer_province", lang))
    extra_head = ""
    if data.get("predict"):
        for key, name in data["predict"]["layers"].items():
            groups[key] = folium.FeatureGroup(name=name)
        from slmap.page.predict import head_html

        extra_head = head_html()
    for group in groups.values():
        group.add_to(fmap)
    names = {key: group.get_name() for key, group in groups.items()}
    _Layers(names, assets.json_for_script(data), extra_head).add_to(fmap)
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
