"""The HTML map: one self-contained page that opens with no network.

:func:`render_html` (:mod:`~slmap.page.render`) is one pass:
:func:`page_data` (:mod:`~slmap.page.data`) classifies the metric, fetches the
labels and dates of the language and builds everything the page shows into one
:class:`PageData` — the communes' properties and legend
(:mod:`~slmap.page.communes`), the communes and outlines as one topology
(:mod:`~slmap.page.topology`, :mod:`~slmap.page.topojson`), the village layers
as columns (:mod:`~slmap.page.villages`) in search order
(:mod:`~slmap.page.search`), the answers panel (:mod:`~slmap.page.answers`) and
the prediction and plan layers it is given (:mod:`~slmap.page.predict`,
:mod:`~slmap.page.disagree`, :mod:`~slmap.page.plan`) — then
:mod:`~slmap.page.render` draws it as a Folium map with the vendored front-end
files (:mod:`~slmap.page.assets`).

Input text on the page follows one rule. It travels inside the page's JSON
(:func:`slmap.page.assets.json_for_script`) and the scripts insert it as DOM
text only (``textContent``; popups and tooltips get DOM nodes; no
``innerHTML`` with data). A string Python hands to an API that takes HTML —
the layer switcher's names, the basemap's name, the ``<title>`` — goes through
:func:`slmap.page.escape.html_text`, in :func:`slmap.page.render.build_map`
and nowhere else.

May import: :mod:`slmap.model`, :mod:`slmap.admin`, :mod:`slmap.sources`, :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "PageData": "data",
        "PredictionInputs": "predict",
        "page_data": "data",
        "render_html": "render",
    },
)
