"""slmap: mobile broadband and fibre coverage maps for Vietnamese telecom planners.

The public API is curated here. Heavy modules are imported lazily so that
``import slmap`` and the CLI stay fast.
"""

from __future__ import annotations

from importlib import import_module

from slmap.base.version import __version__ as __version__

_LAZY = {
    "BoundariesNotFoundError": "slmap.base.errors",
    "CoverageModel": "slmap.model",
    "DownloadError": "slmap.base.errors",
    "ExportError": "slmap.base.errors",
    "InputError": "slmap.base.errors",
    "Problem": "slmap.base.errors",
    "SlmapError": "slmap.base.errors",
    "ValidationError": "slmap.base.errors",
    "build_model": "slmap.model",
    "fetch_upstream": "slmap.sources",
    "load_coverage": "slmap.model",
    "read_boundaries": "slmap.sources",
    "read_register": "slmap.sources",
    "read_statistics": "slmap.sources",
    "sample_register_path": "slmap.sources",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'slmap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
