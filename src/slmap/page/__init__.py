"""The HTML map: one self-contained page that opens with no network.

:func:`render_html` (:mod:`~slmap.page.render`) builds a Folium map from the
page's data (:mod:`~slmap.page.data`): the communes and outlines as one
topology (:mod:`~slmap.page.topology`, :mod:`~slmap.page.topojson`), the
search text (:mod:`~slmap.page.search`), the answers panel
(:mod:`~slmap.page.answers`), the prediction and plan layers
(:mod:`~slmap.page.predict`, :mod:`~slmap.page.plan`) and the vendored
front-end files (:mod:`~slmap.page.assets`).

May import: :mod:`slmap.model`, :mod:`slmap.admin`, :mod:`slmap.sources`, :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "PredictionInputs": "predict",
        "render_html": "render",
    },
)
