"""Every read: input files, the pinned downloads, DEM tiles, and the on-disk cache.

Readers for village registers (CSV, Excel, legacy encodings, published lists
of uncovered villages), commune statistics, boundary files in any format GDAL
reads and the two pinned upstream JSON files, radio sites, predictions and
plans, and DEM tiles (:mod:`~slmap.sources.dem`); the pinned downloads
(:mod:`~slmap.sources.upstream`, :mod:`~slmap.sources.dem_fetch`), the only
code that touches the network, and only when asked; and the cache of built
results (:mod:`~slmap.sources.cache`). Readers check what they read and
name file, row and column; they do not know layouts or the registry.

May import: :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "BoundarySet": "boundary_set",
        "Dem": "dem",
        "OVERFLOW": "tables",
        "PINNED": "upstream",
        "SAMPLE_DATES": "registers",
        "SOURCES": "dem_fetch",
        "TableRead": "tables",
        "cache_dir": "upstream",
        "fetch_dem": "dem_fetch",
        "fetch_upstream": "upstream",
        "find_pinned": "upstream",
        "local_maxima": "dem",
        "pixel_coords": "dem",
        "pixel_size_m": "dem",
        "read_boundaries": "boundaries",
        "read_dem": "dem",
        "read_plan": "predictions",
        "read_prediction": "predictions",
        "read_register": "tables",
        "read_sites": "sites",
        "read_statistics": "tables",
        "read_table": "tables",
        "read_village_table": "registers",
        "sample_heights": "dem",
        "sample_register_path": "registers",
        "search_folders": "upstream",
        "tile_corners": "dem_fetch",
    },
)
