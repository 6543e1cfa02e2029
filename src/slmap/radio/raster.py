"""Province coverage rasters from radio sites, and their GeoTIFF.

``los``
    One viewshed per broadband site (:mod:`slmap.radio.viewshed`, the R2 radial
    sweep) over the DEM within ``max_range_km`` (default 35 km), antenna at
    ground + ``height_m``, receiver 1.5 m above ground, Earth curvature with
    k = 4/3: the rule of :func:`slmap.radio.predict.line_of_sight`, so a village's
    pixel agrees with the per-village answer. Antennas and receivers sit at
    pixel centres (a site is moved by at most half a pixel); the antenna's
    ground height is read bilinearly at the site itself.
``distance``
    The ``radius_km`` buffers of the broadband sites, rasterised.

The raster holds, per pixel, the **number of broadband sites covering it**
(0 = not covered, capped at 254) and 255 where it is unknown: the DEM has no
data there (such a pixel is neither visible nor blocking a sight line:
pixels beyond it are judged on the known terrain, where the per-village
answer calls such a path unknown, :mod:`slmap.radio.profiles`), or no site
covers it and a site standing on nodata (no antenna height) is within range. It is
computed in the DEM's CRS when that is projected in metres, else in the UTM
zone of the sites (the DEM is then resampled bilinearly to square pixels of
its own size in metres). The DEM window covering the sites plus the range
is read once as float32 (4 bytes a pixel: about 160 MB for Sơn La at 30 m)
and each site's viewshed works on its slice of it. The metric grid is
:mod:`slmap.radio.grid`'s; the covered area as polygons is
:mod:`slmap.radio.area`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from slmap.base.errors import InputError
from slmap.radio.grid import metric_grid, sites_utm
from slmap.radio.predict import BROADBAND_TECHNOLOGIES, K_FACTOR, MAX_RANGE_KM, RECEIVER_HEIGHT_M
from slmap.radio.viewshed import ray_geometry, viewshed
from slmap.sources.dem import Dem, sample_heights

__all__ = [
    "MAX_COUNT",
    "NODATA",
    "PREDICTED_NOTE",
    "CoverageRaster",
    "broadband_sites",
    "distance_raster",
    "los_raster",
    "site_buffers",
    "write_raster",
]

NODATA = 255
MAX_COUNT = 254
PREDICTED_NOTE = "predicted, not measured"


@dataclass
class CoverageRaster:
    """Number of broadband sites covering each pixel.

    Attributes
    ----------
    counts : ndarray
        uint8: 0 not covered, 1–254 sites covering (capped), 255 unknown (no DEM
        data, or uncovered within range of a site standing on nodata).
    transform : affine.Affine
        Pixel to ``crs`` coordinates.
    crs : pyproj.CRS
        A projected CRS in metres.
    model : str
        ``los`` or ``distance``.
    sites : int
        Broadband sites used.
    """

    counts: np.ndarray
    transform: object
    crs: CRS
    model: str
    sites: int

    @property
    def pixel_m(self) -> float:
        """Pixel width in metres."""
        return float(abs(self.transform.a))

    def covered_share(self) -> float:
        """Share of pixels with data that at least one site covers.

        Examples
        --------
        >>> from affine import Affine
        >>> r = CoverageRaster(np.array([[0, 2], [255, 1]], "uint8"), Affine(30, 0, 0, 0, -30, 0),
        ...                    CRS(32648), "los", 2)
        >>> round(r.covered_share(), 3)
        0.667
        """
        data = self.counts != NODATA
        return float((self.counts[data] > 0).mean()) if data.any() else 0.0


def broadband_sites(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sites giving mobile broadband (3G/4G/5G; a site without technology counts as 4G).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame({"technology": ["2g", None]}, geometry=[Point(0, 0)] * 2, crs=4326)
    >>> len(broadband_sites(s))
    1
    """
    if "technology" not in sites:
        return sites
    tech = sites["technology"].fillna("4g").replace("", "4g")
    return sites[tech.isin(BROADBAND_TECHNOLOGIES)]


def _site_table(sites: gpd.GeoDataFrame, grid: Dem) -> pd.DataFrame:
    bb = broadband_sites(sites)
    pts = bb.geometry.to_crs(grid.crs)
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    inv = ~grid.transform
    col = np.floor(inv.a * x + inv.b * y + inv.c).astype("int64")
    row = np.floor(inv.d * x + inv.e * y + inv.f).astype("int64")
    ground = sample_heights(grid, x, y, grid.crs)
    height = bb["height_m"].to_numpy(dtype="float64")
    table = pd.DataFrame({"row": row, "col": col, "antenna": ground + height})
    return table.sort_values(["row", "col"], kind="stable")  # neighbours share memory pages


def los_raster(
    dem: Dem,
    sites: gpd.GeoDataFrame,
    *,
    max_range_km: float = MAX_RANGE_KM,
    receiver_m: float = RECEIVER_HEIGHT_M,
    k: float = K_FACTOR,
    step_m: float | None = None,
    advance=None,
) -> CoverageRaster:
    """Line-of-sight coverage raster: broadband sites seeing each pixel.

    Parameters
    ----------
    dem : Dem
        Ground heights, any CRS (see :func:`metric_grid`).
    sites : GeoDataFrame
        Points with ``height_m`` (and ``technology``).
    max_range_km, receiver_m, k : float
        As :func:`slmap.radio.predict.line_of_sight`.
    step_m : float, optional
        Pixel size in metres; default the DEM's (coarser is faster).
    advance : callable, optional
        Called with 1 after each site (progress).

    Examples
    --------
    >>> from affine import Affine
    >>> from shapely.geometry import Point
    >>> d = Dem(np.zeros((201, 201)), Affine(30, 0, 497_000, 0, -30, 2_403_000), CRS(32648), "x")
    >>> s = gpd.GeoDataFrame({"height_m": [30.0]}, geometry=[Point(500_000, 2_400_000)],
    ...                      crs=32648)
    >>> r = los_raster(d, s, max_range_km=2.0)
    >>> int(r.counts.sum()), r.sites
    (13965, 1)
    """
    grid = metric_grid(dem, sites_utm(sites), step_m)
    heights = grid.heights
    px, py = abs(grid.transform.a), abs(grid.transform.e)
    reach = max_range_km * 1000.0
    n_rows, n_cols = math.ceil(reach / py), math.ceil(reach / px)
    geometry = ray_geometry(n_rows, n_cols, px, py, reach, k)
    counts = np.zeros(heights.shape, dtype="uint16")
    unknown = np.isnan(heights)
    reached = None  # the disc within reach of a site, built when a site has no ground height
    table = _site_table(sites, grid)
    window = np.empty(geometry.shape, dtype="float32")
    for site in table.itertuples():
        rows, cols, inner = _clip(site.row, site.col, n_rows, n_cols, heights.shape)
        if np.isfinite(site.antenna):
            window.fill(np.nan)
            window[inner] = heights[rows, cols]
            counts[rows, cols] += viewshed(window, geometry, site.antenna, receiver_m)[inner]
        else:  # a site on nodata: what it would cover is unknown, unless another site covers it
            reached = _disc(n_rows, n_cols, px, py, reach) if reached is None else reached
            unknown[rows, cols] |= reached[inner]
        if advance is not None:
            advance(1)
    return _finish(counts, unknown & (counts == 0), grid, "los", len(table))


def _disc(n_rows: int, n_cols: int, px: float, py: float, reach: float) -> np.ndarray:
    dy = np.arange(-n_rows, n_rows + 1)[:, None] * py
    dx = np.arange(-n_cols, n_cols + 1)[None, :] * px
    return np.hypot(dx, dy) <= reach


def _clip(row: int, col: int, n_rows: int, n_cols: int, shape: tuple[int, int]):
    r0, r1 = max(row - n_rows, 0), min(row + n_rows + 1, shape[0])
    c0, c1 = max(col - n_cols, 0), min(col + n_cols + 1, shape[1])
    r0, c0 = min(r0, r1), min(c0, c1)
    inner = (
        slice(r0 - (row - n_rows), r1 - (row - n_rows)),
        slice(c0 - (col - n_cols), c1 - (col - n_cols)),
    )
    return slice(r0, r1), slice(c0, c1), inner


def _finish(counts, nodata, grid: Dem, model: str, sites: int) -> CoverageRaster:
    out = np.minimum(counts, MAX_COUNT).astype("uint8")
    out[nodata] = NODATA
    return CoverageRaster(out, grid.transform, CRS.from_user_input(grid.crs), model, sites)


def site_buffers(sites: gpd.GeoDataFrame, crs: CRS, radius_km: float) -> gpd.GeoSeries:
    """The ``radius_km`` circles around the broadband sites, in ``crs`` (metres).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame(geometry=[Point(500_000, 2_400_000)], crs=32648)
    >>> round(float(site_buffers(s, CRS(32648), 1.0).area.iloc[0]) / 1e6, 2)
    3.14
    """
    return broadband_sites(sites).geometry.to_crs(crs).buffer(radius_km * 1000.0, quad_segs=32)


def distance_raster(
    sites: gpd.GeoDataFrame,
    *,
    radius_km: float,
    dem: Dem | None = None,
    pixel_m: float = 30.0,
) -> CoverageRaster:
    """The distance model as a raster: broadband sites within ``radius_km`` of each pixel.

    On the DEM's metric grid when a DEM is given (its nodata kept), else on a
    ``pixel_m`` grid in the sites' UTM zone covering every buffer.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame(geometry=[Point(104.0, 21.0), Point(104.01, 21.0)], crs=4326)
    >>> r = distance_raster(s, radius_km=1.0, pixel_m=100.0)
    >>> int(r.counts.max()), r.sites
    (2, 2)
    """
    from affine import Affine
    from rasterio.features import MergeAlg, rasterize

    if dem is not None:
        grid = metric_grid(dem, sites_utm(sites))
    else:
        crs = sites_utm(sites)
        west, south, east, north = site_buffers(sites, crs, radius_km).total_bounds
        width = max(1, math.ceil((east - west) / pixel_m))
        height = max(1, math.ceil((north - south) / pixel_m))
        transform = Affine(pixel_m, 0, west, 0, -pixel_m, north)
        grid = Dem(np.zeros((height, width), "float32"), transform, crs, "")
    buffers = site_buffers(sites, grid.crs, radius_km)
    counts = rasterize(
        ((g, 1) for g in buffers),
        out_shape=grid.heights.shape,
        transform=grid.transform,
        fill=0,
        dtype="uint16",
        merge_alg=MergeAlg.add,
    )
    return _finish(counts, np.isnan(grid.heights), grid, "distance", len(buffers))


def write_raster(raster: CoverageRaster, path: str | Path, overwrite: bool = False) -> Path:
    """Write the raster as a tiled, LZW-compressed uint8 GeoTIFF (nodata 255), atomically.

    Examples
    --------
    >>> import tempfile, pathlib, rasterio
    >>> from affine import Affine
    >>> r = CoverageRaster(np.zeros((3, 3), "uint8"), Affine(30, 0, 0, 0, -30, 0), CRS(32648),
    ...                    "los", 0)
    >>> p = write_raster(r, pathlib.Path(tempfile.mkdtemp()) / "c.tif")
    >>> rasterio.open(p).profile["compress"]
    'lzw'
    """
    import rasterio

    from slmap.base.atomic import atomic_path

    target = Path(path)
    if target.suffix.lower() not in (".tif", ".tiff"):
        raise InputError(f"{target}: the coverage raster is a GeoTIFF (expected a .tif name)")
    rows, cols = raster.counts.shape
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": 1,
        "dtype": "uint8",
        "crs": raster.crs.to_wkt(),
        "transform": raster.transform,
        "nodata": NODATA,
        "compress": "lzw",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with atomic_path(target, overwrite) as tmp, rasterio.open(tmp, "w", **profile) as ds:
        ds.write(raster.counts, 1)
        ds.update_tags(
            model=raster.model,
            sites=str(raster.sites),
            values="number of broadband sites covering the pixel (capped at 254); "
            "255 unknown (no DEM data)",
            note=PREDICTED_NOTE,
        )
    return target
