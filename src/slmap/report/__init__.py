"""The PDF and PNG report, made with matplotlib, without a browser.

:func:`report_pdf` and :func:`report_png` (:mod:`~slmap.report.document`)
lay out the province page and a page per commune
(:mod:`~slmap.report.pages`, :mod:`~slmap.report.table`).

May import: :mod:`slmap.model`, :mod:`slmap.admin`, :mod:`slmap.sources`, :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "ROWS_FIRST": "document",
        "ROWS_MORE": "document",
        "report_pdf": "document",
        "report_png": "document",
    },
)
