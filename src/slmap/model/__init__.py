"""The coverage model: checked, joined and placed villages, their metrics, and questions of them.

:func:`load_coverage` / :func:`build_model` (:mod:`~slmap.model.build`) check
the inputs (:mod:`~slmap.model.validate`, :mod:`~slmap.model.cells`), join
them to official codes (:mod:`~slmap.model.joins`), place villages without
coordinates (:mod:`~slmap.model.place`), apply commune statistics and sum the levels
above; the result is a :class:`CoverageModel` (:mod:`~slmap.model.types`),
cached between runs. Questions of the model: classification for maps
(:mod:`~slmap.model.classify`), queries and ranking
(:mod:`~slmap.model.query`, :mod:`~slmap.model.ranking`), change between
two dates (:mod:`~slmap.model.change`), and the notes every delivered row
carries (:mod:`~slmap.model.notes`).

May import: :mod:`slmap.admin`, :mod:`slmap.sources`, :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "Classification": "classify",
        "CoverageModel": "types",
        "DEFAULT_SCHEMES": "classify",
        "METRIC_KEYS": "classify",
        "NODATA_COLOR": "classify",
        "Provenance": "types",
        "SAMPLE_NOTE": "notes",
        "SCHEMES": "classify",
        "bad_option": "classify",
        "build_model": "build",
        "classify": "classify",
        "communes_by_metric": "query",
        "compare_villages": "change",
        "data_note": "notes",
        "load_coverage": "build",
        "parse_breaks": "classify",
        "priority_ranking": "ranking",
        "villages_near": "query",
        "villages_without_broadband": "query",
        "with_notes": "notes",
    },
)
