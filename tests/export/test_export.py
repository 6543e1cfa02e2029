"""Tests of slmap.export: atomic writes and round trips of every format."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import zipfile
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from _models import make_model
from slmap import export
from slmap.base import atomic
from slmap.base.errors import ExportError, InputError
from slmap.export.fields import FILE_COLUMN
from slmap.model import notes

OGRINFO = shutil.which("ogrinfo") or (
    "/usr/bin/ogrinfo" if os.path.exists("/usr/bin/ogrinfo") else None
)


def _ogrinfo() -> str:
    if OGRINFO is None:
        if os.environ.get("CI"):
            pytest.fail("ogrinfo (gdal-bin) is required under CI")
        pytest.skip("ogrinfo not installed")
    return OGRINFO


@pytest.fixture
def model():
    return make_model()


# --- atomic writes --------------------------------------------------------------------------


def test_refuses_existing_and_leaves_it(tmp_path):
    target = tmp_path / "a.csv"
    target.write_bytes(b"old")
    with pytest.raises(ExportError, match=r"a\.csv already exists; pass --overwrite"):
        atomic.atomic_write_text(target, "new")
    assert target.read_bytes() == b"old"
    atomic.atomic_write_text(target, "mới", overwrite=True)
    assert target.read_text(encoding="utf-8") == "mới"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_disk_full_leaves_nothing(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match="disk is full"):
        atomic.atomic_write_bytes(tmp_path / "big.bin", b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_permission_denied(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(ExportError, match="permission denied"):
        atomic.atomic_write_bytes(tmp_path / "a.txt", b"x")
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_failure_keeps_old(tmp_path):
    target = tmp_path / "x.gpkg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.atomic_path(target, overwrite=True) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("writer failed")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gpkg"]


def test_atomic_dir_replaces_whole_folder(tmp_path):
    out = tmp_path / "layers"
    with atomic.atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
    with pytest.raises(ExportError, match="--overwrite"), atomic.atomic_dir(out):
        pass
    with atomic.atomic_dir(out, overwrite=True) as tmp:
        (tmp / "b.txt").write_text("b", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layers"]


def test_rejects_csv_bom_and_default_path(tmp_path):
    rejects = pd.DataFrame({"village_name": ["Bản Mé"], "row": [3], "problem": ["mã xã sai"]})
    path = atomic.write_rejects(rejects, tmp_path / "r.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back.village_name[0] == "Bản Mé" and back.problem[0] == "mã xã sai"
    sample = SimpleNamespace(provenance=SimpleNamespace(register="/pkg/s.csv", sample=True))
    assert atomic.default_rejects_path(sample).as_posix() == "maps/s.rejects.csv"


# --- Shapefile field names ------------------------------------------------------------------


def test_shapefile_field_names_short_unique_utf8():
    cols = [*export.SHP_FIELDS, "households", "dân_số_2019", "dân_số_2020", "DÂN_SỐ_2021", "ấấấấ"]
    names = export.shapefile_field_names(cols)
    shorts = list(names.values())
    assert all(len(s.encode("utf-8")) <= 10 for s in shorts)
    assert len({s.lower() for s in shorts}) == len(shorts)
    assert names["ấấấấ"] == "ấấấ"  # 9 bytes: the 4th character would not fit whole


# --- round trips ----------------------------------------------------------------------------


def _check_names(back: pd.DataFrame, expected: gpd.GeoDataFrame, column: str = "village_name"):
    """Vietnamese names come back byte-identical (NFC bytes, same order)."""
    got = [s.encode("utf-8") for s in back[column]]
    assert got == [s.encode("utf-8") for s in expected["village_name"]]


def test_shapefile_round_trip(model, tmp_path):
    expected = export.model_layers(model, "uncovered")["uncovered"]
    result = export.export_model(model, "uncovered", "shp", tmp_path / "u.shp")
    parts = sorted(p.name for p in tmp_path.iterdir())
    assert parts == [
        "u.cpg", "u.dbf", "u.prj", "u.qml", "u.shp", "u.shp.fields.csv", "u.shp.metadata.txt",
        "u.shx", "u.sld",
    ]  # fmt: skip
    assert (tmp_path / "u.cpg").read_text() == "UTF-8"
    assert result.counts == {"uncovered": 5} and result.warnings == []
    back = pyogrio.read_dataframe(tmp_path / "u.shp")
    _check_names(back, expected, "vill_name")
    assert list(back.vill_id) == list(expected.village_id)
    # no data stays NULL, 0 stays 0
    hh = dict(zip(back.vill_id, back.households, strict=True))
    assert pd.isna(hh["V04"]) and hh["V01"] == 120
    fibre = dict(zip(back.vill_id, back.fibre_hh, strict=True))
    assert fibre["V01"] == 0 and pd.isna(fibre["V02"])
    power = dict(zip(back.vill_id, back.grid_power, strict=True))
    assert power["V01"] == 0 and pd.isna(power["V02"])
    assert set(back.data_note) == {notes.SAMPLE_NOTE}
    dictionary = pd.read_csv(tmp_path / "u.shp.fields.csv", encoding="utf-8-sig")
    assert list(dictionary.columns) == ["short_name", "full_name", "meaning"]
    assert set(dictionary.short_name) == set(back.columns) - {"geometry"}


def test_shapefile_ogrinfo_reports_utf8(model, tmp_path):
    export.export_model(model, "uncovered", "shp", tmp_path / "u.shp")
    out = subprocess.run(
        [_ogrinfo(), "-al", "-so", "-mdd", "all", str(tmp_path / "u.shp")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Feature Count: 5" in out and "SOURCE_ENCODING=UTF-8" in out
    full = subprocess.run(
        [_ogrinfo(), "-al", str(tmp_path / "u.shp")], capture_output=True, check=True
    ).stdout
    assert "Bản Huổi Hịa".encode() in full


def test_shapefile_long_text_warns_and_cuts_cleanly(model, tmp_path):
    model.villages.loc[model.villages.village_id == "V01", "village_name"] = "Bản " + "Nậm" * 90
    result = export.export_model(model, "uncovered", "shp", tmp_path / "u.shp")
    [warning] = result.warnings
    assert warning.feature.startswith("V01") and warning.column == "village_name"
    assert str(tmp_path / "u.shp") in str(warning)
    assert "layer uncovered: 1 value(s) cut" in str(warning)
    back = pyogrio.read_dataframe(tmp_path / "u.shp")
    cut = back.set_index("vill_id").vill_name["V01"]
    assert len(cut.encode("utf-8")) <= 254 and ("Bản " + "Nậm" * 90).startswith(cut)


def test_shapefile_zip_and_all(model, tmp_path):
    result = export.export_model(model, "all", "shp", tmp_path / "set", zip=True)
    assert result.paths == [tmp_path / "set.zip"]
    names = zipfile.ZipFile(tmp_path / "set.zip").namelist()
    for layer in export.LAYERS:
        assert {f"{layer}.{e}" for e in ("shp", "shx", "dbf", "prj", "cpg")} <= set(names)
    back = pyogrio.read_dataframe(f"/vsizip/{tmp_path / 'set.zip'}/villages.shp")
    assert len(back) == len(model.villages)
    export.export_model(model, "all", "shp", tmp_path / "folder")
    assert len(list((tmp_path / "folder").glob("*.shp"))) == 4


def test_gpkg_all_layers_full_names(model, tmp_path):
    export.export_model(model, "all", "gpkg", tmp_path / "all.gpkg")
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "all.gpkg")}
    assert {"communes", "villages", "districts", "uncovered", "layer_styles"} == layers
    back = pyogrio.read_dataframe(tmp_path / "all.gpkg", layer="villages")
    _check_names(back, model.villages)
    assert "location_estimated" in back.columns and "mobile_broadband" in back.columns
    communes = pyogrio.read_dataframe(tmp_path / "all.gpkg", layer="communes")
    assert list(communes.commune_name) == list(model.communes.commune_name)
    info = pyogrio.read_info(tmp_path / "all.gpkg", layer="communes")
    assert info["layer_metadata"]["DESCRIPTION"].startswith("SAMPLE DATA")


def test_geojson_rfc7946(model, tmp_path):
    export.export_model(model, "villages", "geojson", tmp_path / "v.geojson")
    doc = json.loads((tmp_path / "v.geojson").read_text(encoding="utf-8"))
    assert "crs" not in doc and doc["description"].startswith("SAMPLE DATA")
    first = doc["features"][0]
    assert first["geometry"]["coordinates"] == pytest.approx([103.51, 21.01])
    assert first["properties"]["village_name"] == "Bản Nà Tấu"
    back = pyogrio.read_dataframe(tmp_path / "v.geojson")
    _check_names(back, model.villages)


def test_csv_bom_lonlat_polygons_omitted(model, tmp_path):
    export.export_model(model, "all", "csv", tmp_path / "csv")
    raw = (tmp_path / "csv" / "villages.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Bản Nà Tấu".encode() in raw
    back = pd.read_csv(tmp_path / "csv" / "villages.csv", encoding="utf-8-sig", dtype=str)
    _check_names(back, model.villages)
    assert list(back.commune_code) == list(model.villages.commune_code)  # leading zeros kept
    assert back.households.isna().sum() == 1  # no data is empty, not 0
    communes = pd.read_csv(tmp_path / "csv" / "communes.csv", encoding="utf-8-sig")
    assert "geometry" not in communes.columns and len(communes) == len(model.communes)


def test_xlsx_sheets_header_frozen(model, tmp_path):
    from openpyxl import load_workbook

    model.villages.loc[0, "village_name"] = "=HYPERLINK(1)"
    export.export_model(model, "all", "xlsx", tmp_path / "all.xlsx")
    wb = load_workbook(tmp_path / "all.xlsx")
    assert wb.sheetnames == [*export.LAYERS, "about"]
    ws = wb["villages"]
    assert ws.freeze_panes == "A2" and ws["A1"].value == "village_id"
    assert ws["B2"].data_type == "s"  # text, not a formula
    assert wb["about"]["A1"].value.startswith("SAMPLE DATA")
    back = pd.read_excel(tmp_path / "all.xlsx", sheet_name="villages", dtype={"commune_code": str})
    _check_names(back, model.villages)
    assert list(back.commune_code) == list(model.villages.commune_code)


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_refuse_overwrite_every_format(model, tmp_path, fmt):
    target = tmp_path / f"u.{fmt}"
    target.write_bytes(b"keep")
    with pytest.raises(ExportError, match="--overwrite"):
        export.export_model(model, "uncovered", fmt, target)
    assert target.read_bytes() == b"keep"
    export.export_model(model, "uncovered", fmt, target, overwrite=True)
    assert target.read_bytes() != b"keep"


def test_approximate_flag_on_every_feature(tmp_path):
    layers = export.model_layers(make_model(approximate=True), "all")
    assert all(frame.approximate.all() for frame in layers.values())
    assert "APPROXIMATE" in layers["villages"].data_note.iloc[0]


def test_real_register_note_and_errors(tmp_path):
    layers = export.model_layers(make_model(sample=False), "villages")
    assert "SAMPLE" not in layers["villages"].data_note.iloc[0]
    with pytest.raises(InputError):
        export.export_model(make_model(), "roads", "shp", tmp_path / "x.shp")
    with pytest.raises(InputError, match="--zip"):
        export.export_model(make_model(), "villages", "csv", tmp_path / "x.csv", zip=True)


# --- the embedded sample on the real 75 communes --------------------------------------------


@pytest.mark.geodata
def test_sample_uncovered_shapefile_123(sample_model, tmp_path):
    export.export_model(sample_model, "uncovered", "shp", tmp_path / "u.shp")
    out = subprocess.run(
        [_ogrinfo(), "-al", "-so", "-mdd", "all", str(tmp_path / "u.shp")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Feature Count: 123" in out and "SOURCE_ENCODING=UTF-8" in out
    back = pyogrio.read_dataframe(tmp_path / "u.shp")
    expected = export.model_layers(sample_model, "uncovered")["uncovered"]
    _check_names(back, expected, "vill_name")
    assert (tmp_path / "u.shp.fields.csv").exists()


@pytest.mark.geodata
def test_sample_all_gpkg(sample_model, tmp_path):
    export.export_model(sample_model, "all", "gpkg", tmp_path / "all.gpkg")
    layers = dict(pyogrio.list_layers(tmp_path / "all.gpkg"))
    assert {"communes", "villages", "districts"} <= set(layers)
    assert pyogrio.read_info(tmp_path / "all.gpkg", layer="villages")["features"] == len(
        sample_model.villages
    )


def test_every_exported_column_has_a_meaning(sample_model):
    for name, frame in export.model_layers(sample_model, "all").items():
        missing = [
            c
            for c in frame.columns
            if c != "geometry" and export.field_meaning(c) in ("", FILE_COLUMN)
        ]
        assert not missing, f"{name}: no dictionary entry for {missing}"
