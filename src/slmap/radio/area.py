"""The covered area as polygons, and the ``coverage`` layer that carries it.

The area a coverage raster covers (:func:`raster_polygons`) or the union of
the distance model's circles (:func:`distance_polygons`), in EPSG:4326, and
the one-feature ``coverage`` layer written beside a prediction
(:func:`coverage_layer`), always marked as predicted, not measured.
"""

from __future__ import annotations

import geopandas as gpd

from slmap.radio.grid import sites_utm
from slmap.radio.raster import NODATA, PREDICTED_NOTE, CoverageRaster, site_buffers

__all__ = ["coverage_layer", "distance_polygons", "raster_polygons"]


def raster_polygons(raster: CoverageRaster, simplify: bool = True) -> gpd.GeoSeries:
    """Covered area (count > 0) as one (multi)polygon in EPSG:4326, simplified to one pixel.

    Examples
    --------
    >>> import numpy as np
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> c = np.zeros((5, 5), "uint8"); c[1:3, 1:3] = 1
    >>> r = CoverageRaster(c, Affine(30, 0, 500_000, 0, -30, 2_400_000), CRS(32648), "los", 1)
    >>> round(float(raster_polygons(r).to_crs(32648).area.iloc[0]))
    3600
    """
    from rasterio.features import shapes
    from shapely import MultiPolygon, make_valid
    from shapely.geometry import shape

    covered = ((raster.counts > 0) & (raster.counts != NODATA)).astype("uint8")
    parts = [
        shape(geom)
        for geom, value in shapes(covered, mask=covered.astype(bool), transform=raster.transform)
        if value == 1
    ]
    merged = MultiPolygon(parts) if parts else MultiPolygon()
    if simplify and parts:
        merged = make_valid(merged.simplify(raster.pixel_m, preserve_topology=True))
    return gpd.GeoSeries([merged], crs=raster.crs).to_crs(4326)


def distance_polygons(sites: gpd.GeoDataFrame, radius_km: float) -> gpd.GeoSeries:
    """Union of the ``radius_km`` buffers of the broadband sites, in EPSG:4326.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame(geometry=[Point(104.0, 21.0)], crs=4326)
    >>> round(float(distance_polygons(s, 1.0).to_crs(s.estimate_utm_crs()).area.iloc[0]) / 1e6, 2)
    3.14
    """
    crs = sites_utm(sites)
    return gpd.GeoSeries([site_buffers(sites, crs, radius_km).union_all()], crs=crs).to_crs(4326)


def coverage_layer(
    polygons: gpd.GeoSeries, *, model: str, sites: int, synthetic: bool, detail: str = ""
) -> gpd.GeoDataFrame:
    """The ``coverage`` layer: covered area with its model, site count and provenance.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoSeries([Point(104, 21).buffer(0.01)], crs=4326)
    >>> coverage_layer(g, model="distance", sites=3, synthetic=True).iloc[0]["note"]
    'predicted, not measured'
    """
    return gpd.GeoDataFrame(
        {
            "model": [model],
            "sites": [int(sites)],
            "note": [PREDICTED_NOTE],
            "synthetic": [bool(synthetic)],
            "detail": [detail],
        },
        geometry=polygons.to_crs(4326).values,
        crs=4326,
    )
