"""Hostile boundary files (--boundaries): one-line answers, repairs reported."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from ._build import (
    CODES,
    Case,
    assert_loaded_values,
    counts,
    csv_text,
    fingerprint,
    register,
    run,
    squares,
)


def _with_register(folder: Path, boundary: Path, *extra: str) -> list[str]:
    (folder / "villages.csv").write_text(csv_text(register()), encoding="utf-8")
    return ["--register", str(folder / "villages.csv"), "--boundaries", str(boundary), *extra]


def _gdf(edit=None):
    def build(folder: Path) -> list[str]:
        gdf = squares()
        if edit is not None:
            gdf = edit(gdf)
        path = folder / "communes.geojson"
        pyogrio.write_dataframe(gdf, path, driver="GeoJSON")
        return _with_register(folder, path)

    return build


def _set_geom(i: int, geom):
    def edit(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        geoms = list(gdf.geometry)
        geoms[i] = geom(geoms[i]) if callable(geom) else geom
        return gdf.set_geometry(geoms)

    return edit


def _bowtie(g):
    x0, y0, x1, y1 = g.bounds
    return shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])


def _shapefile(folder: Path, gdf: gpd.GeoDataFrame, crs: str | None) -> Path:
    shp = folder / "shp" / "communes.shp"
    shp.parent.mkdir()
    if crs:
        gdf = gdf.to_crs(crs)
    if crs is None:
        gdf = gdf.set_crs("EPSG:3405", allow_override=True)  # written, then its .prj removed
    pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", encoding="UTF-8")
    if crs is None:
        shp.with_suffix(".prj").unlink()
    return shp


def _vn2000_no_prj(folder: Path) -> list[str]:
    gdf = squares().to_crs("EPSG:3405")  # VN-2000 / UTM 48N, metres
    gdf = gdf.set_crs(None, allow_override=True)
    return _with_register(folder, _shapefile(folder, gdf, None))


def _vn2000_with_prj(folder: Path) -> list[str]:
    return _with_register(folder, _shapefile(folder, squares(), "EPSG:3405"))


def _zipped(drop: str):
    def build(folder: Path) -> list[str]:
        shp = _shapefile(folder, squares(), "EPSG:4326")
        zpath = folder / "communes.zip"
        with zipfile.ZipFile(zpath, "w") as zf:
            for part in shp.parent.iterdir():
                if part.suffix != drop:
                    zf.write(part, f"ranh_gioi/{part.name}")
        return _with_register(folder, zpath)

    return build


def _gpkg(layers: dict, *extra: str):
    def build(folder: Path) -> list[str]:
        path = folder / "communes.gpkg"
        for name, gdf in layers.items():
            pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", append=path.exists())
        return _with_register(folder, path, *extra)

    return build


def _points() -> gpd.GeoDataFrame:
    return squares().set_geometry(shapely.centroid(squares().geometry.to_numpy()))


def _text(name: str, text: str):
    def build(folder: Path) -> list[str]:
        (folder / name).write_text(text, encoding="utf-8")
        return _with_register(folder, folder / name)

    return build


def _metres_as_geojson(folder: Path) -> list[str]:
    gdf = squares().to_crs("EPSG:3405").set_crs("EPSG:4326", allow_override=True)
    path = folder / "metres.geojson"
    pyogrio.write_dataframe(gdf, path, driver="GeoJSON")
    return _with_register(folder, path)


def _swapped(g):
    return shapely.transform(g, lambda xy: xy[:, ::-1])


def _swap(gdf):
    return gdf.set_geometry(gdf.geometry.map(lambda g: _swapped(g)))


def _z(gdf):
    return gdf.set_geometry(shapely.force_3d(gdf.geometry.to_numpy(), 350.0))


def _dup_code(gdf):
    gdf = gdf.copy()
    gdf.loc[2, "ma_xa"] = gdf.loc[1, "ma_xa"]
    return gdf


def _move(gdf):
    return _set_geom(1, shapely.box(2.3, 48.8, 2.4, 48.9))(gdf)


CASES = [
    Case("squares_valid", _gdf(), 0, [r"3 communes \(2025 layout\)", r"6 loaded"]),
    Case(
        "self_intersection",
        _gdf(_set_geom(0, _bowtie)),
        0,
        [
            r"warning: .*communes\.geojson: feature 1 \(03646 .*\), column 'geometry': invalid "
            r"geometry \(Self-intersection.*\) repaired with make_valid"
        ],
    ),
    Case(
        "empty_geometry",
        _gdf(_set_geom(1, shapely.Polygon())),
        1,
        [r"communes\.geojson: feature 2 \(03664.*\), column 'geometry': empty or missing geometry"],
    ),
    Case(
        "null_geometry",
        _gdf(_set_geom(2, None)),
        1,
        [r"communes\.geojson: feature 3 \(03670.*\), column 'geometry': empty or missing"],
    ),
    Case(
        "point_among_polygons",
        _gdf(_set_geom(0, lambda g: g.centroid)),
        1,
        [r"feature 1 \(03646.*\), column 'geometry': found a Point; expected a polygon"],
    ),
    Case(
        "points_only",
        _gdf(lambda g: _points()),
        1,
        [r"communes\.geojson: holds Point geometries, not polygons"],
    ),
    Case(
        "z_coordinates", _gdf(_z), 0, [r"warning: .*3D coordinates: the height \(Z\) was dropped"]
    ),
    Case(
        "lat_lon_swapped",
        _gdf(_swap),
        1,
        [r"communes\.geojson: longitude and latitude look swapped"],
    ),
    Case(
        "one_feature_swapped",
        _gdf(_set_geom(2, lambda g: _swapped(g))),
        1,
        [r"feature 3 \(03670.*\), column 'geometry': longitude and latitude look swapped"],
    ),
    Case(
        "outside_vietnam",
        _gdf(_move),
        1,
        [r"feature 2 \(03664.*\), column 'geometry': lies outside Vietnam"],
    ),
    Case("vn2000_no_prj", _vn2000_no_prj, 1, [r"communes\.shp: no coordinate system.*VN-2000"]),
    Case("vn2000_with_prj", _vn2000_with_prj, 0, [r"warning: .*reprojected from VN-2000"]),
    Case("metres_in_geojson", _metres_as_geojson, 1, [r"metres\.geojson: states WGS 84 .*VN-2000"]),
    Case("zip_missing_dbf", _zipped(".dbf"), 1, [r"communes\.zip: the Shapefile .* missing \.dbf"]),
    Case(
        "zip_missing_prj",
        _zipped(".prj"),
        0,
        [r"warning: .*communes\.zip: no coordinate system stated; .*read as WGS84"],
    ),
    Case(
        "gpkg_two_polygon_layers",
        _gpkg({"xa_2025": squares(), "xa_cu": squares()}),
        1,
        [
            r"communes\.gpkg: holds 2 layers \(xa_2025 .*, xa_cu .*\); name one with "
            r"--boundaries-layer"
        ],
    ),
    Case(
        "gpkg_polygons_and_points",
        _gpkg({"ban": _points(), "xa": squares()}),
        0,
        [r"warning: .*several layers; read the only polygon layer 'xa'"],
    ),
    Case(
        "gpkg_layer_named",
        _gpkg({"xa_2025": squares(), "xa_cu": squares()}, "--boundaries-layer", "xa_2025"),
        0,
        [r"6 loaded"],
    ),
    Case(
        "gpkg_unknown_layer",
        _gpkg({"xa_2025": squares()}, "--boundaries-layer", "huyen"),
        1,
        [r"communes\.gpkg: no layer 'huyen'; layers are xa_2025"],
    ),
    Case(
        "duplicate_codes",
        _gdf(_dup_code),
        1,
        [r"feature 3 \(03664.*\), column 'commune_code': duplicate commune code 03664"],
    ),
    Case(
        "no_features",
        _text("none.geojson", json.dumps({"type": "FeatureCollection", "features": []})),
        1,
        [r"none\.geojson: holds no features"],
    ),
    Case(
        "broken_json", _text("broken.json", '{"type": "Featu'), 1, [r"broken\.json: not valid JSON"]
    ),
    Case(
        "not_a_gis_file",
        _text("notes.docx", "x"),
        1,
        [r"notes\.docx: not a GIS file GDAL recognises"],
    ),
    Case(
        "table_without_geometry",
        _text("xa.csv", "ma_xa,ten_xa\n03646,Tô Hiệu\n"),
        1,
        [r"xa\.csv: has no geometry"],
    ),
    Case(
        "broken_geojson",
        _text("broken.geojson", '{"type": "FeatureCollection", "features": [{'),
        1,
        [r"broken\.geojson: GDAL cannot read this file"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_boundary_case(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    args = case.build(folder)
    before = fingerprint([folder])
    out = run(args)
    assert out.exit_code == case.exit_code, out.stderr + out.stdout
    for pattern in case.expect:
        assert re.search(pattern, out.stderr + out.stdout), (pattern, out.stderr, out.stdout)
    for line in out.stderr.splitlines():
        assert re.match(r"(error|warning|rejected \d+ of|layout:)", line), line
    assert fingerprint([folder]) == before  # inputs untouched, nothing written beside them
    if out.exit_code == 0:
        read, loaded, rejected = counts(out.stdout)
        assert read == loaded + rejected == 6
        assert_loaded_values(args, case)


def test_codes_are_real() -> None:
    from slmap.admin import registry

    assert set(CODES) <= set(registry.communes("2025", "14")["commune_code"])
