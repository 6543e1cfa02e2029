"""Draw the page's data as the offline coverage map (a :class:`folium.Map`); never writes files.

:func:`render_html` is one pass: :func:`slmap.page.data.page_data` builds
everything the page shows, :func:`build_map` turns it into a Folium map and
:func:`map_html` into one HTML string. The map: a commune choropleth of one
metric with an explicit "no data" class, villages without mobile broadband on
top (estimated locations hollow), covered villages as a quieter layer,
outlines, legend, title, scale bar, layer control and an accent-insensitive
search; every script is inlined from :mod:`slmap.page.assets`. Input text
reaches the page as JSON shown with ``textContent``; the strings this module
hands Folium (layer switcher names, basemap name, title) go through
:func:`slmap.page.escape.html_text`. Small maps draw SVG
(hatched "no data"); above :data:`~slmap.page.data.CANVAS_COMMUNES` communes or
:data:`~slmap.page.data.CANVAS_VILLAGES` villages everything draws on canvas,
villages travel as compact columns, and a large village layer is drawn only
from a zoom level up, inside the view (:data:`~slmap.page.villages.LAZY_VILLAGES`).

Examples
--------
>>> from slmap.model import load_coverage
>>> from slmap.page.render import render_html
>>> html = render_html(load_coverage(), metric="share_4g", lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from slmap.page import assets
from slmap.page.data import PageData, page_data
from slmap.page.escape import html_text

__all__ = ["MAX_ZOOM", "build_map", "map_html", "render_html"]

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


def build_map(data: PageData) -> folium.Map:
    """Draw the page's data as a :class:`folium.Map`: groups, data, assets; nothing is computed.

    Parameters
    ----------
    data : slmap.page.data.PageData
        What :func:`slmap.page.data.page_data` built: the page's JSON, the
        layer switcher and the basemap.

    Returns
    -------
    folium.Map
        Ready to render with :func:`map_html`; nothing is written.

    Examples
    --------
    >>> from slmap.model import load_coverage
    >>> from slmap.page.data import page_data
    >>> fmap = build_map(page_data(load_coverage(), metric="share_4g", lang="en"))  # doctest: +SKIP
    """
    fmap = folium.Map(
        tiles=None,
        location=[21.3, 103.9],
        zoom_start=8,
        control_scale=False,
        prefer_canvas=data.canvas,
        zoomSnap=0.25,
        zoomDelta=0.5,
        maxZoom=MAX_ZOOM,
        minZoom=4,
    )
    if data.basemap is not None:
        provider, name = data.basemap
        folium.TileLayer(provider, name=html_text(name)).add_to(fmap)
    # the layer switcher inserts names as HTML: every name goes through the one rule
    groups = {key: folium.FeatureGroup(name=html_text(name)) for key, name in data.layers.items()}
    for group in groups.values():
        group.add_to(fmap)
    extra_head = ""
    if data.predicted:
        from slmap.page.predict import head_html

        extra_head = head_html()
    names = {key: group.get_name() for key, group in groups.items()}
    _Layers(names, assets.json_for_script(data.page), extra_head).add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _Ready().add_to(fmap)
    _strip_cdn(fmap)
    fmap.slmap_lang = data.lang
    fmap.get_root().title = html_text(data.title)
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
    """The coverage map of ``model`` as one self-contained HTML string.

    Parameters
    ----------
    model : slmap.model.CoverageModel
        Communes, villages, optional districts and province, provenance.
    **options
        ``metric``, ``scheme``, ``k``, ``breaks``, ``lang``, ``tiles``,
        ``tolerance``, ``change``, ``predicted``: see
        :func:`slmap.page.data.page_data`.

    Returns
    -------
    str
        The page (:func:`map_html` of :func:`build_map` of the page's data).

    Raises
    ------
    InputError
        Unknown metric or basemap, bad breaks.
    ValueError
        Unknown language.

    Examples
    --------
    >>> html = render_html(load_coverage(), metric="fibre_hh_share")  # doctest: +SKIP
    """
    return map_html(build_map(page_data(model, **options)))
