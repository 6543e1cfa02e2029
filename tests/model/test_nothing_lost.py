"""Every boundary feature read is loaded or reported; known repairs of pinned files are
said once; macOS zips and geometry collections are read without losing anything."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import shapely
from click.testing import CliRunner
from shapely.geometry import box

from slmap.admin import registry
from slmap.cli import cli

CODES = ("03646", "03664", "03670")


def _communes(codes=CODES) -> gpd.GeoDataFrame:
    units = registry.communes("2025", "14").set_index("commune_code")
    geoms = [box(103.9 + 0.05 * i, 21.3, 103.95 + 0.05 * i, 21.35) for i in range(len(codes))]
    return gpd.GeoDataFrame(
        {"ma_xa": list(codes), "ten_xa": [units.at[c, "commune_name"] for c in codes]},
        geometry=geoms,
        crs=4326,
    )


def _register(tmp_path, codes=CODES):
    rows = ["village_id,village_name,commune_code,households,population,mobile_signal,fibre"]
    rows += [f"V{i},Bản {i},{c},10,40,4g,yes" for i, c in enumerate(codes)]
    path = tmp_path / "villages.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _validate(*args):
    return CliRunner().invoke(cli, ["validate", *map(str, args)])


def test_feature_with_a_bad_code_is_reported_not_dropped(tmp_path):
    gdf = _communes()
    gdf.loc[1, "ma_xa"] = "O3664"  # letter O for zero
    path = tmp_path / "c.geojson"
    gdf.to_file(path)
    out = _validate("--boundaries", path, "--register", _register(tmp_path, ("03646",)))
    assert out.exit_code == 1, out.output
    assert "feature 2" in out.stderr and "O3664" in out.stderr
    assert "ok:" not in out.stdout


def test_names_only_file_with_a_commune_twice_is_an_error_not_a_crash(tmp_path):
    gdf = _communes()[["ten_xa", "geometry"]]
    gdf.loc[2, "ten_xa"] = gdf.loc[0, "ten_xa"]
    path = tmp_path / "twice.geojson"
    gdf.to_file(path)
    register = _register(tmp_path, ("03646",))
    for extra, code in (([], 1), (["--keep-going"], 0)):  # keep-going: the rest loads
        out = _validate(
            "--boundaries", path, "--register", register, "--input-layout", "2025", *extra
        )
        assert out.exit_code == code, out.output
        assert "internal error" not in out.output and "Traceback" not in out.output
        assert "appears in several features (1, 3)" in out.stderr


def test_macos_zip_with_resource_forks_reads_its_one_shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _communes().to_file(folder / "xa.shp")
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, f"xa/{part.name}")
            zf.writestr(f"__MACOSX/xa/._{part.name}", b"\x00\x05\x16\x07resource fork")
    out = _validate("--boundaries", archive, "--register", _register(tmp_path))
    assert out.exit_code == 0, out.output
    assert "ok: 3 communes" in out.stdout


def test_geometry_collection_parts_dropped_are_said(tmp_path):
    gdf = _communes()
    poly = gdf.geometry.iloc[0]
    line = shapely.LineString([(104.5, 21.0), (104.6, 21.1)])
    gdf.loc[0, "geometry"] = shapely.GeometryCollection([poly, line])
    path = tmp_path / "gc.geojson"
    gdf.to_file(path)
    out = _validate("--boundaries", path, "--register", _register(tmp_path))
    assert out.exit_code == 0, out.output
    assert "non-polygon parts (1 LineString) were dropped" in out.stderr


def test_known_repairs_of_the_pinned_file_are_notes(upstream_env, tmp_path):
    register = _register(tmp_path)
    quiet = _validate("--register", register)
    assert quiet.exit_code == 0, quiet.output
    assert "Mường Lèo" not in quiet.stderr and "communes adjusted" not in quiet.stderr
    loud = _validate("--register", register, "--all-warnings")
    assert "Mường Lèo" in loud.stderr and "communes adjusted" in loud.stderr


def test_register_columns_slmap_does_not_use_are_kept_to_the_export(tmp_path):
    """A register's own 'row', a column named like one slmap derives, and a notes column
    are all read, said and exported with their values, none overwritten or dropped."""
    header = "row,village_id,village_name,commune_code,households,population,mobile_signal"
    rows = [header + ",fibre,mobile_broadband,Ghi chú"]
    for i, c in enumerate(CODES):
        rows.append(f"{7 + i},V{i},Bản {i},{c},10,40,2g,no,maybe {i},ghi chú {i}")
    register = tmp_path / "villages.csv"
    register.write_text("\n".join(rows) + "\n", encoding="utf-8")
    boundaries = tmp_path / "c.geojson"
    _communes().to_file(boundaries)
    out = _validate("--boundaries", boundaries, "--register", register)
    assert out.exit_code == 0, out.output
    assert "'row (file)'" in out.stderr and "'mobile_broadband (file)'" in out.stderr
    gpkg = tmp_path / "v.gpkg"
    args = ["export", "--boundaries", boundaries, "--register", register, "--layer", "villages"]
    done = CliRunner().invoke(cli, [*map(str, args), "--out", str(gpkg)])
    assert done.exit_code == 0, done.output
    got = gpd.read_file(gpkg, layer="villages").sort_values("village_id")
    assert got["row (file)"].tolist() == ["7", "8", "9"]
    assert got["mobile_broadband (file)"].tolist() == ["maybe 0", "maybe 1", "maybe 2"]
    assert got["Ghi chú"].tolist() == ["ghi chú 0", "ghi chú 1", "ghi chú 2"]
    assert not got["mobile_broadband"].astype(bool).any()  # derived from 2G, not the file's
    assert got["row"].tolist() == [2, 3, 4]
