"""Read commune, district and province boundaries from any file GDAL reads.

Also reads the two pinned upstream JSON formats (DESIGN §3.2). Readers only
read and recognise the schema; checking and repairing geometry is
:mod:`slmap.model.validate`'s job and joining to official codes is
:mod:`slmap.model`'s.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.base.errors import InputError, Problem
from slmap.sources.archives import check_archive
from slmap.sources.boundary_fields import (
    CODE_FIELDS,
    NAME_FIELDS,
    district_in_description,
    recognise_fields,
)
from slmap.sources.boundary_set import BoundarySet
from slmap.sources.characters import clean_frame
from slmap.sources.upstream_json import read_upstream_json

__all__ = ["BoundarySet", "district_in_description", "read_boundaries"]

_VN2000_HINT = (
    "the coordinates look like projected metres, not longitude/latitude; files from "
    "Vietnamese offices are often in VN-2000 (e.g. EPSG:3405, or a provincial TM-3 zone) "
    "or UTM 48N (EPSG:32648): add the .prj file that came with the data, or reproject to "
    "EPSG:4326"
)


def read_boundaries(
    path: str | Path,
    *,
    layer: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    district_field: str | None = None,
) -> BoundarySet:
    """Read boundaries from a file.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage, Shapefile, zipped Shapefile, KML/KMZ, or one of
        the pinned upstream JSON files.
    layer : str, optional
        Layer of a multi-layer file (GeoPackage, KML).
    code_field, name_field : str, optional
        Fields holding the 5-digit GSO code and the name, when the schema is
        not recognised.
    district_field : str, optional
        Field holding the district name, when not one of the recognised
        names (ten_huyen, NAME_2, Huyện, Quan, district...).

    Returns
    -------
    BoundarySet

    Raises
    ------
    InputError
        The file is missing, unreadable, has no usable CRS, has no code or
        name field, or holds no polygons.

    Examples
    --------
    >>> bs = read_boundaries("communes.gpkg", code_field="MAXA")  # doctest: +SKIP
    >>> bs.communes[["commune_code", "commune_name"]].head()  # doctest: +SKIP
    """
    path = Path(path)
    src = str(path)
    if not path.exists():
        raise InputError(f"{src}: file not found (expected a boundary file)")
    if path.is_dir():
        raise InputError(f"{src}: is a folder; expected a boundary file")
    if path.suffix.lower() == ".json":
        special = read_upstream_json(path)
        if special is not None:
            return special
    gdf, problems = _read_ogr(path, layer, (code_field, name_field))
    return recognise_fields(gdf, src, problems, code_field, name_field, district_field)


# ---------------------------------------------------------------- any GDAL file


def _gdal_path(path: Path) -> tuple[str, list[Problem]]:
    suffix = path.suffix.lower()
    if suffix == ".kmz":
        return _kmz_path(path), []
    if suffix == ".zip":
        return _zip_path(path), []
    return str(path), []


def _kmz_path(path: Path) -> str:
    """The GDAL path of the first KML inside a KMZ, its declared size checked first."""
    check_archive(path, "KMZ file")
    try:
        with zipfile.ZipFile(path) as zf:
            kmls = [
                n for n in zf.namelist() if n.lower().endswith(".kml") and not _resource_fork(n)
            ]
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a valid KMZ file (a KMZ is a zipped KML)") from None
    if not kmls:
        raise InputError(f"{path}: the KMZ holds no .kml file")
    return f"/vsizip/{path}/{kmls[0]}"


def _zip_path(path: Path) -> str:
    """The GDAL path of a zipped Shapefile (or any zip), its declared size checked first."""
    check_archive(path, "zip file")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a valid zip file") from None
    names = [n for n in names if not _resource_fork(n)]
    shps = [n for n in names if n.lower().endswith(".shp")]
    if not shps:
        return f"/vsizip/{path}"
    if len(shps) > 1:
        raise InputError(
            f"{path}: holds {len(shps)} Shapefiles ({', '.join(shps)}); "
            "expected one (unzip it and name the one to use)"
        )
    stem = shps[0][:-4]
    missing = [
        ext for ext in (".shx", ".dbf") if not any(n.lower() == (stem + ext).lower() for n in names)
    ]
    if missing:
        raise InputError(
            f"{path}: the Shapefile {shps[0]} is incomplete: missing {', '.join(missing)} "
            "(a Shapefile needs .shp, .shx, .dbf and, for the coordinate system, .prj)"
        )
    return f"/vsizip/{path}/{shps[0]}"


def _resource_fork(name: str) -> bool:
    """macOS zips carry ``__MACOSX/`` folders and ``._name`` AppleDouble files: not data."""
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._")


def _read_ogr(
    path: Path, layer: str | None, fields: tuple[str | None, str | None] = (None, None)
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    import pyogrio

    gdal_path, problems = _gdal_path(path)
    src = str(path)
    _check_shapefile_parts(path)
    layer = _pick_layer(gdal_path, src, layer, problems)
    try:
        with warnings.catch_warnings():  # NaN coordinates: named by _check_finite below
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            gdf = pyogrio.read_dataframe(gdal_path, layer=layer)
    except Exception as exc:
        raise InputError(f"{src}: GDAL cannot read layer {layer or 0!r} ({_short(exc)})") from None
    _check_polygons(gdf, src)
    _check_finite(gdf, src, fields)
    gdf, removed = clean_frame(gdf, src, 1)
    gdf, crs_problems = _to_wgs84(gdf, src)
    return gdf, problems + removed + crs_problems


def _check_shapefile_parts(path: Path) -> None:
    if path.suffix.lower() != ".shp":
        return
    for ext in (".shx", ".dbf"):
        if not path.with_suffix(ext).exists() and not path.with_suffix(ext.upper()).exists():
            raise InputError(
                f"{path}: the Shapefile is incomplete: missing {path.with_suffix(ext).name}"
            )


def _pick_layer(gdal_path: str, src: str, layer: str | None, problems: list[Problem]) -> str | None:
    """The layer to read: the one named, the only one, or the only polygon layer."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(gdal_path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        if "not recognized as being in a supported file format" in str(exc):
            raise InputError(
                f"{src}: not a GIS file GDAL recognises; expected GeoJSON, GeoPackage, "
                "Shapefile (.shp or zipped), or KML/KMZ commune boundaries"
            ) from None
        raise InputError(f"{src}: GDAL cannot read this file ({_short(exc)})") from None
    names = [str(n) for n, _ in layers]
    listing = ", ".join(f"{n} ({g})" for n, g in layers)
    if layer is not None and layer not in names:
        raise InputError(f"{src}: no layer {layer!r}; layers are {listing}")
    if layer is not None or len(layers) <= 1:
        return layer
    polygon_layers = [str(n) for n, g in layers if "Polygon" in str(g)]
    if len(polygon_layers) != 1:
        raise InputError(
            f"{src}: holds {len(layers)} layers ({listing}); name one with --boundaries-layer"
        )
    problems.append(
        Problem(
            src,
            f"several layers; read the only polygon layer {polygon_layers[0]!r}",
            severity="warning",
            kind="layer_chosen",
        )
    )
    return polygon_layers[0]


def _check_polygons(gdf: gpd.GeoDataFrame, src: str) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise InputError(f"{src}: has no geometry; expected commune polygons")
    if len(gdf) == 0:
        raise InputError(f"{src}: holds no features; expected commune polygons")
    types = set(gdf.geom_type.dropna())
    if types and not any("Polygon" in t or t == "GeometryCollection" for t in types):
        raise InputError(
            f"{src}: holds {', '.join(sorted(types))} geometries, not polygons; expected "
            "commune boundaries (village points belong in the register, as lon/lat columns)"
        )


def _check_finite(gdf: gpd.GeoDataFrame, src: str, fields: tuple[str | None, str | None]) -> None:
    """Refuse features with a NaN or infinite coordinate, naming each (GEOS would fail later).

    ``fields`` are the code and name fields the user named, if any; otherwise
    the usual ones (:data:`CODE_FIELDS`, :data:`NAME_FIELDS`) name the feature.
    """
    coords, index = shapely.get_coordinates(gdf.geometry.values, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if not bad.any():
        return
    columns = {str(c).lower(): str(c) for c in gdf.columns if c != gdf.geometry.name}
    label = [
        wanted
        if wanted in gdf.columns
        else next((columns[c] for c in options if c in columns), None)
        for wanted, options in zip(fields, (CODE_FIELDS, NAME_FIELDS), strict=True)
    ]
    problems = []
    for i in pd.unique(index[bad]):
        first = int(np.flatnonzero(bad & (index == i))[0])
        vertex = first - int(np.flatnonzero(index == i)[0]) + 1
        x, y = coords[first]
        names = " ".join(str(gdf[c].iloc[i]) for c in label if c is not None)
        problems.append(
            Problem(
                src,
                f"{int((bad & (index == i)).sum())} coordinate(s) not finite (vertex {vertex}: "
                f"x {x}, y {y}); expected numbers for every vertex: fix or remove them in a GIS",
                feature=f"{i + 1}" + (f" ({names})" if names else ""),
                column=str(gdf.geometry.name),
                kind="bad_geometry",
            )
        )
    raise InputError(
        f"{src}: {len(problems)} feature(s) with coordinates that are not numbers", problems
    )


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def _to_wgs84(gdf: gpd.GeoDataFrame, src: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    problems: list[Problem] = []
    geoms = gdf.geometry
    if len(gdf) and shapely.has_z(geoms.values).any():
        gdf = gdf.set_geometry(shapely.force_2d(geoms.values), crs=gdf.crs)
        problems.append(
            Problem(
                src,
                "3D coordinates: the height (Z) was dropped",
                severity="warning",
                kind="z_dropped",
            )
        )
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds if len(gdf) else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -180 <= miny <= maxy <= 180):
            raise InputError(
                f"{src}: no coordinate system (.prj) and {_VN2000_HINT} "
                f"(found x {minx:.0f}…{maxx:.0f}, y {miny:.0f}…{maxy:.0f})"
            )
        gdf = gdf.set_crs("EPSG:4326")
        problems.append(
            Problem(
                src,
                "no coordinate system stated; coordinates read as WGS84 lon/lat",
                severity="warning",
                kind="crs_assumed",
            )
        )
    elif gdf.crs.is_geographic and len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -180 <= miny <= maxy <= 180):
            raise InputError(
                f"{src}: states {gdf.crs.name} (degrees) but {_VN2000_HINT} "
                f"(found x {minx:.0f}…{maxx:.0f}, y {miny:.0f}…{maxy:.0f})"
            )
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        name = gdf.crs.name
        try:
            gdf = gdf.to_crs("EPSG:4326")
        except Exception as exc:
            raise InputError(
                f"{src}: cannot reproject from {name} to WGS84 ({_short(exc)})"
            ) from None
        problems.append(
            Problem(
                src,
                f"reprojected from {name} to WGS84 (EPSG:4326)",
                severity="warning",
                kind="reprojected",
            )
        )
    if len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx >= 8 and maxx <= 24 and miny >= 102 and maxy <= 110:
            raise InputError(
                f"{src}: longitude and latitude look swapped (x {minx:.2f}…{maxx:.2f}, "
                f"y {miny:.2f}…{maxy:.2f}); Vietnam lies at longitude 102–110, latitude 8–24"
            )
    return gdf, problems
