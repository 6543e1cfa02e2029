"""Boundary readers on every format GDAL writes, with synthetic squares."""

import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from slmap.admin import registry
from slmap.base.errors import InputError
from slmap.sources import read_boundaries


@pytest.fixture(scope="module")
def squares() -> gpd.GeoDataFrame:
    """Three small squares around official Sơn La commune centres (registry data)."""
    units = registry.communes("2025", "14").head(3)
    geoms = [
        shapely.box(x - 0.01, y - 0.01, x + 0.01, y + 0.01)
        for x, y in zip(units["lon"], units["lat"], strict=True)
    ]
    return gpd.GeoDataFrame(
        {"ma_xa": units["commune_code"].tolist(), "ten_xa": units["commune_name"].tolist()},
        geometry=geoms,
        crs="EPSG:4326",
    )


@pytest.mark.parametrize(
    ("suffix", "driver"),
    [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".shp", "ESRI Shapefile"), (".kml", "KML")],
)
def test_formats_round_trip(squares, tmp_path, suffix, driver):
    path = tmp_path / f"communes{suffix}"
    pyogrio.write_dataframe(squares, path, driver=driver)
    bs = read_boundaries(path)
    assert bs.communes["commune_code"].tolist() == squares["ma_xa"].tolist()
    assert bs.communes["commune_name"].tolist() == squares["ten_xa"].tolist()
    assert bs.communes.crs.equals("EPSG:4326") and len(bs.communes) == 3


def test_zipped_shapefile_and_kmz(squares, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(squares, folder / "xa.shp")
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    assert read_boundaries(archive).communes["commune_code"].tolist() == squares["ma_xa"].tolist()
    kml = tmp_path / "doc.kml"
    pyogrio.write_dataframe(squares, kml, driver="KML")
    kmz = tmp_path / "xa.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.write(kml, "doc.kml")
    assert read_boundaries(kmz).communes["commune_code"].tolist() == squares["ma_xa"].tolist()


def test_projected_file_is_reprojected_and_reported(squares, tmp_path):
    path = tmp_path / "utm.gpkg"
    pyogrio.write_dataframe(squares.to_crs(32648), path)
    bs = read_boundaries(path)
    assert bs.communes.crs.equals("EPSG:4326")
    assert abs(bs.communes.total_bounds - squares.total_bounds).max() < 1e-6
    assert any(p.kind == "reprojected" for p in bs.problems)


def test_metres_without_crs_are_refused_naming_vn2000(squares, tmp_path):
    folder = tmp_path / "noprj"
    folder.mkdir()
    pyogrio.write_dataframe(squares.to_crs(3405), folder / "xa.shp")
    (folder / "xa.prj").unlink()
    with pytest.raises(InputError, match="VN-2000"):
        read_boundaries(folder / "xa.shp")


def test_generic_fields_named_on_the_command_line(squares, tmp_path):
    path = tmp_path / "generic.gpkg"
    pyogrio.write_dataframe(squares.rename(columns={"ma_xa": "MAXA_GSO", "ten_xa": "TEN"}), path)
    with pytest.raises(InputError, match="no field 'NOPE'"):
        read_boundaries(path, code_field="NOPE")
    bs = read_boundaries(path, code_field="MAXA_GSO", name_field="TEN")
    assert bs.communes["commune_code"].tolist() == squares["ma_xa"].tolist()
