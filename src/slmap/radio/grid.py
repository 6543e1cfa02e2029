"""The metric grid a coverage raster is computed on.

A raster needs square pixels measured in metres: the DEM is kept as it is
when its CRS is projected in metres, else resampled into the UTM zone of the
sites (:func:`sites_utm`) at its own pixel size, or a coarser one when asked
(:func:`metric_grid`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS

from slmap.base.errors import InputError
from slmap.sources.dem import Dem, pixel_size_m

__all__ = ["metric_grid", "sites_utm"]


def _is_metric(crs: CRS) -> bool:
    return crs.is_projected and all(
        (a.unit_name or "").lower() in ("metre", "meter") for a in crs.axis_info
    )


def metric_grid(dem: Dem, crs: CRS | str, step_m: float | None = None) -> Dem:
    """The DEM as float32 on square-ish pixels in metres, resampled only when needed.

    Kept as it is when its CRS is projected in metres and no coarser
    ``step_m`` is asked for; otherwise resampled into ``crs`` (a UTM CRS)
    bilinearly (averaging when coarser) at ``step_m`` (default: the DEM's
    pixel size in metres).

    Examples
    --------
    >>> from affine import Affine
    >>> d = Dem(np.zeros((4, 4)), Affine(30, 0, 0, 0, -30, 120), CRS(32648), "x")
    >>> g = metric_grid(d, "EPSG:32648", 60.0)
    >>> g.heights.shape, g.heights.dtype.name
    ((2, 2), 'float32')
    """
    from rasterio.enums import Resampling
    from rasterio.warp import calculate_default_transform, reproject

    native = pixel_size_m(dem)
    if _is_metric(dem.crs) and (step_m is None or step_m <= native * 1.01):
        return Dem(dem.heights.astype("float32", copy=False), dem.transform, dem.crs, dem.source)
    target = CRS.from_user_input(dem.crs if _is_metric(dem.crs) else crs)
    step = max(float(step_m or native), 1.0)
    from rasterio.transform import array_bounds

    rows, cols = dem.heights.shape
    west, south, east, north = array_bounds(rows, cols, dem.transform)
    transform, width, height = calculate_default_transform(
        dem.crs, target, cols, rows, west, south, east, north, resolution=(step, step)
    )
    out = np.full((height, width), np.nan, dtype="float32")
    reproject(
        dem.heights.astype("float32", copy=False),
        out,
        src_transform=dem.transform,
        src_crs=dem.crs,
        src_nodata=np.nan,
        dst_transform=transform,
        dst_crs=target,
        dst_nodata=np.nan,
        resampling=Resampling.average if step > native * 1.5 else Resampling.bilinear,
    )
    return Dem(out, transform, target, dem.source)


def sites_utm(sites: gpd.GeoDataFrame) -> CRS:
    """The UTM CRS of the sites, where a raster is computed when the DEM is not in metres.

    Raises
    ------
    InputError
        There are no sites.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> sites_utm(gpd.GeoDataFrame(geometry=[Point(104.0, 21.0)], crs=4326)).to_epsg()
    32648
    """
    if sites.empty:
        raise InputError("no radio sites to compute a coverage raster from (expected >= 1)")
    return sites.estimate_utm_crs()
