"""The base every layer stands on: errors, names, labels, metrics, schema, atomic writes.

What every other package uses and nothing here depends on: the one error
tree (:mod:`~slmap.base.errors`), Vietnamese text (:mod:`~slmap.base.names`),
the glossary of labels every surface shows (:mod:`~slmap.base.glossary`),
the register schema (:mod:`~slmap.base.schema`) and the parsers of its
cells (:mod:`~slmap.base.values`), pure coverage metrics
(:mod:`~slmap.base.metrics`), geometry helpers (:mod:`~slmap.base.simplify`),
atomic writing (:mod:`~slmap.base.atomic`), progress
(:mod:`~slmap.base.progress`) and the version.

May import: nothing of slmap (the standard library and third-party packages only).
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "BROADBAND_SIGNALS": "schema",
        "BoundariesNotFoundError": "errors",
        "COLUMNS": "schema",
        "Column": "schema",
        "DEFAULT_TOLERANCE": "simplify",
        "DownloadError": "errors",
        "ExportError": "errors",
        "FORBIDDEN": "xmltext",
        "FORMULA_STARTS": "formulas",
        "InputError": "errors",
        "MatchResult": "names",
        "OutputSet": "outputs",
        "Problem": "errors",
        "STATISTICS_COLUMNS": "schema",
        "SlmapError": "errors",
        "ValidationError": "errors",
        "__version__": "version",
        "atomic_dir": "atomic",
        "atomic_path": "atomic",
        "atomic_write_bytes": "atomic",
        "atomic_write_text": "atomic",
        "canonical_header": "schema",
        "clean_coverage": "simplify",
        "clean_frames": "xmltext",
        "clean_text": "xmltext",
        "closest": "names",
        "csv_bytes": "atomic",
        "default_rejects_path": "atomic",
        "fold": "names",
        "guard_cell": "formulas",
        "guard_frame": "formulas",
        "is_missing": "values",
        "match_names": "names",
        "needs_guard": "formulas",
        "nfc": "names",
        "parse_bool": "values",
        "parse_float": "values",
        "parse_int": "values",
        "parse_signal": "values",
        "prepare_target": "atomic",
        "progress_steps": "progress",
        "recompute_shares": "metrics",
        "refuse_existing": "atomic",
        "round_coords": "simplify",
        "signal_flags": "schema",
        "simplify_coverage": "simplify",
        "strip_accents": "names",
        "strip_prefix": "names",
        "summarise": "metrics",
        "unguard_cell": "formulas",
        "write_rejects": "atomic",
    },
)
