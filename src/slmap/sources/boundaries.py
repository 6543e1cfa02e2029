"""Read commune, district and province boundaries from any file GDAL reads.

Also reads the two pinned upstream JSON formats (DESIGN §3.2). Readers only
read and recognise the schema; checking and repairing geometry is
:mod:`slmap.validate`'s job and joining to official codes is
:mod:`slmap.model`'s.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.errors import InputError, Problem

__all__ = ["BoundarySet", "read_boundaries"]

#: Field names recognised as the commune code / name / parent name, in order.
CODE_FIELDS = ("ma_xa", "commune_code", "wardcode", "ma_dvhc", "code", "id")
NAME_FIELDS = ("ten_xa", "commune_name", "name_3", "ward", "ten", "name")
PARENT_FIELDS = ("ten_huyen", "district_name", "name_2", "huyen")

_VN2000_HINT = (
    "the coordinates look like projected metres, not longitude/latitude; files from "
    "Vietnamese offices are often in VN-2000 (e.g. EPSG:3405, or a provincial TM-3 zone) "
    "or UTM 48N (EPSG:32648): add the .prj file that came with the data, or reproject to "
    "EPSG:4326"
)


@dataclass
class BoundarySet:
    """Boundaries read from one source, before validation.

    Attributes
    ----------
    communes : GeoDataFrame or None
        Columns ``commune_code`` (str or NA), ``commune_name``, optional
        ``parent_name`` and ``commune_type``, ``feature`` (1-based) and
        ``geometry`` in EPSG:4326.
    districts, province : GeoDataFrame or None
        Former districts (``district_code``, ``district_name``) and province
        outline (``province_code``, ``province_name``) when the source has them.
    source : str
        File the boundaries came from.
    schema : str
        "wards-json", "dvhcvn-json", "gso", "gadm" or "generic".
    problems : list of Problem
        Warnings found while reading (reprojection, 3D dropped...).
    """

    communes: gpd.GeoDataFrame | None
    districts: gpd.GeoDataFrame | None = None
    province: gpd.GeoDataFrame | None = None
    source: str = ""
    schema: str = "generic"
    problems: list[Problem] = field(default_factory=list)


def read_boundaries(
    path: str | Path,
    *,
    layer: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
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
        special = _read_upstream_json(path)
        if special is not None:
            return special
    gdf, problems = _read_ogr(path, layer)
    return _recognise(gdf, src, problems, code_field, name_field)


# ---------------------------------------------------------------- upstream JSON


def _read_upstream_json(path: Path) -> BoundarySet | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("wards"), list):
        return _wards_json(data, str(path))
    if isinstance(data, dict) and isinstance(data.get("level2s"), list):
        return _dvhcvn_json(data, str(path))
    return None


def _rings_to_polygon(rings: list) -> shapely.Geometry:
    parts = [shapely.Polygon(np.asarray(r, dtype=float)[:, :2]) for r in rings if len(r) >= 4]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _wards_json(data: dict, src: str) -> BoundarySet:
    """The vietnam-3d-map format: ``wards: [{id, name, type, polygons, ...}]``."""
    rows, problems = [], []
    for i, w in enumerate(data["wards"], start=1):
        try:
            geom = _rings_to_polygon(w.get("polygons") or [])
        except (ValueError, TypeError, IndexError) as exc:
            problems.append(Problem(src, f"unreadable polygons ({exc})", row=i, column="polygons"))
            geom = None
        rows.append(
            {
                "feature": i,
                "commune_code": str(w.get("id", "")).zfill(5) if w.get("id") else pd.NA,
                "commune_name": f"{w.get('type', '')} {w.get('name', '')}".strip(),
                "commune_type": w.get("type"),
                "stated_area_km2": w.get("area"),
                "stated_population": w.get("population"),
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return BoundarySet(gdf, source=src, schema="wards-json", problems=problems)


def _dvhcvn_json(data: dict, src: str) -> BoundarySet:
    """The dvhcvn GIS format: province outline plus ``level2s`` districts."""

    def geom(obj: dict) -> shapely.Geometry:
        return shapely.geometry.shape({"type": obj["type"], "coordinates": obj["coordinates"]})

    province = gpd.GeoDataFrame(
        [{"province_code": str(data["level1_id"]).zfill(2), "province_name": data["name"]}],
        geometry=[geom(data)],
        crs="EPSG:4326",
    )
    districts = gpd.GeoDataFrame(
        [
            {"district_code": str(d["level2_id"]).zfill(3), "district_name": d["name"]}
            for d in data["level2s"]
        ],
        geometry=[geom(d) for d in data["level2s"]],
        crs="EPSG:4326",
    )
    return BoundarySet(
        None, districts=districts, province=province, source=src, schema="dvhcvn-json"
    )


# ---------------------------------------------------------------- any GDAL file


def _gdal_path(path: Path) -> tuple[str, list[Problem]]:
    suffix = path.suffix.lower()
    if suffix == ".kmz":
        return f"/vsizip/{path}", []
    if suffix != ".zip":
        return str(path), []
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a valid zip file") from None
    shps = [n for n in names if n.lower().endswith(".shp")]
    if not shps:
        return f"/vsizip/{path}", []
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
    return f"/vsizip/{path}/{shps[0]}", []


def _read_ogr(path: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    import pyogrio

    gdal_path, problems = _gdal_path(path)
    src = str(path)
    if path.suffix.lower() == ".shp":
        for ext in (".shx", ".dbf"):
            if not path.with_suffix(ext).exists() and not path.with_suffix(ext.upper()).exists():
                raise InputError(
                    f"{src}: the Shapefile is incomplete: missing {path.with_suffix(ext).name}"
                )
    try:
        layers = pyogrio.list_layers(gdal_path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InputError(f"{src}: GDAL cannot read this file ({_short(exc)})") from None
    if layer is None and len(layers) > 1:
        polygon_layers = [str(n) for n, g in layers if g is None or "Polygon" in str(g)]
        if len(polygon_layers) != 1:
            listing = ", ".join(f"{n} ({g})" for n, g in layers)
            raise InputError(
                f"{src}: holds {len(layers)} layers ({listing}); name one with --layer"
            )
        layer = polygon_layers[0]
        problems.append(
            Problem(
                src,
                f"several layers; read the only polygon layer {layer!r}",
                severity="warning",
                kind="layer_chosen",
            )
        )
    try:
        gdf = pyogrio.read_dataframe(gdal_path, layer=layer)
    except Exception as exc:
        raise InputError(f"{src}: GDAL cannot read layer {layer or 0!r} ({_short(exc)})") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise InputError(f"{src}: has no geometry; expected commune polygons")
    gdf, crs_problems = _to_wgs84(gdf, src)
    return gdf, problems + crs_problems


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
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
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
    elif not gdf.crs.equals("EPSG:4326"):
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


def _find(
    columns: dict[str, str], wanted: str | None, candidates: tuple[str, ...], src: str, what: str
) -> str | None:
    if wanted is not None:
        if wanted in columns.values():
            return wanted
        if wanted.lower() in columns:
            return columns[wanted.lower()]
        raise InputError(
            f"{src}: no field {wanted!r} for the {what}; fields are {', '.join(columns.values())}"
        )
    for c in candidates:
        if c in columns:
            return columns[c]
    return None


def _recognise(
    gdf: gpd.GeoDataFrame,
    src: str,
    problems: list[Problem],
    code_field: str | None,
    name_field: str | None,
) -> BoundarySet:
    columns = {str(c).lower(): str(c) for c in gdf.columns if c != gdf.geometry.name}
    code = _find(columns, code_field, CODE_FIELDS, src, "commune code")
    name = _find(columns, name_field, NAME_FIELDS, src, "commune name")
    parent = _find(columns, None, PARENT_FIELDS, src, "district name")
    if code is None and name is None:
        raise InputError(
            f"{src}: found no commune code or name field (fields: {', '.join(columns.values())}); "
            "expected ma_xa/ten_xa, GADM GID_3/NAME_3, or name them with --code-field/--name-field"
        )
    schema = "gadm" if "gid_3" in columns else "gso" if "ma_xa" in columns else "generic"
    out = pd.DataFrame({"feature": np.arange(1, len(gdf) + 1)}, index=gdf.index)
    if code is not None:
        raw = gdf[code]
        text = raw.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
        out["commune_code"] = text.where(text.str.fullmatch(r"\d{1,5}").fillna(False)).str.zfill(5)
        bad = text.notna() & (text != "") & out["commune_code"].isna()
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(
                Problem(
                    src,
                    f"expected a GSO commune code of up to 5 digits, found {text.iloc[i]!r}",
                    feature=str(i + 1),
                    column=code,
                )
            )
    else:
        out["commune_code"] = pd.array([pd.NA] * len(gdf), dtype="string")
    out["commune_name"] = gdf[name].astype("string") if name is not None else pd.NA
    if parent is not None:
        out["parent_name"] = gdf[parent].astype("string")
    for extra in ("loai", "type_3"):
        if extra in columns:
            out["commune_type"] = gdf[columns[extra]].astype("string")
            break
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.values, crs=gdf.crs).reset_index(drop=True)
    return BoundarySet(result, source=src, schema=schema, problems=problems)
