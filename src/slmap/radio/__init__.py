"""Radio: predicted coverage from sites and terrain, and new sites chosen to close the gaps.

Line-of-sight profiles (:mod:`~slmap.radio.profiles`), the Longley-Rice/ITM
path loss (:mod:`~slmap.radio.itm`, :mod:`~slmap.radio.itm_profile`),
per-village prediction with three models (:mod:`~slmap.radio.predict`) and
its agreement with the register (:mod:`~slmap.radio.agreement`),
viewsheds and the coverage raster (:mod:`~slmap.radio.viewshed`,
:mod:`~slmap.radio.raster`, on the metric grid of :mod:`~slmap.radio.grid`),
the covered area as polygons (:mod:`~slmap.radio.area`) and the site plan
(:mod:`~slmap.radio.plan`).

May import: :mod:`slmap.model`, :mod:`slmap.admin`, :mod:`slmap.sources`, :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "BROADBAND_TECHNOLOGIES": "predict",
        "CLIMATES": "itm",
        "DEFAULT_RADIUS_KM": "predict",
        "ItmSettings": "itm",
        "auto_candidates": "plan",
        "choose_sites": "plan",
        "distance_area": "predict",
        "predict_coverage": "predict",
        "summarize": "predict",
    },
)
