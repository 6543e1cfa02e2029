"""Synthetic DEM GeoTIFFs for the terrain, prediction and raster tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio


def write_geotiff(path: Path, z: np.ndarray, transform, crs, nodata: float = -9999.0) -> Path:
    """Write heights ``z`` (rows × columns) as a one-band float32 GeoTIFF."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=z.shape[1],
        height=z.shape[0],
        count=1,
        dtype="float32",
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as ds:
        ds.write(np.asarray(z, dtype="float32")[None])
    return path
