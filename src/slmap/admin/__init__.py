"""Administrative units: the official registry, the 204/200/75 layouts and moving data between them.

Codes and names of communes from ``vietnamadminunits``
(:mod:`~slmap.admin.registry`) and its conversion of pre-reform communes
(:mod:`~slmap.admin.conversion_2025`), Sơn La's three layouts
(:mod:`~slmap.admin.layouts`) and their crosswalks
(:mod:`~slmap.admin.crosswalks`), forward conversion
(:mod:`~slmap.admin.convert`), layout detection (:mod:`~slmap.admin.detect`),
dates (:mod:`~slmap.admin.dates`), the one resolver of a commune named
by a planner in any layout (:mod:`~slmap.admin.resolve`), approximate communes when no boundary file
is at hand (:mod:`~slmap.admin.approx`, :mod:`~slmap.admin.approx_2023`),
where boundaries come from (:mod:`~slmap.admin.locate`) and the provinces a
register covers (:mod:`~slmap.admin.scope`).

May import: :mod:`slmap.sources` (reads and the cache) and :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "AS_OF_HEADERS": "dates",
        "DIAGNOSIS_LIMIT": "detect",
        "Detection": "detect",
        "approximate_communes": "approx",
        "communes": "registry",
        "communes_forward": "convert",
        "default_codes": "convert",
        "detect_layout": "detect",
        "diagnosis": "detect",
        "display_date": "dates",
        "district_field_problem": "detect",
        "fold_header": "dates",
        "is_older": "layouts",
        "layout_id": "layouts",
        "locate_boundaries": "locate",
        "nothing_found_message": "locate",
        "older_layout_communes": "approx_2023",
        "parse_date": "dates",
        "parse_provinces": "registry",
        "province_bounds": "scope",
        "province_label": "registry",
        "register_scope": "scope",
        "resolve_unit": "resolve",
        "villages_forward": "convert",
    },
)
