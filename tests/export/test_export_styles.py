"""Exports that open looking like the map: metadata, QGIS/SLD styles and KML/KMZ."""

from __future__ import annotations

import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_export import _ogrinfo

from _models import make_model
from slmap import export
from slmap.cli import export as cli_export
from slmap.cli.group import cli
from slmap.export.kml import KML_NS
from slmap.export.metadata import parse_metadata_text
from slmap.export.styles import UNCOVERED_RED
from slmap.model import notes
from slmap.model.classify import NODATA_COLOR, classify

K = f"{{{KML_NS}}}"


def _check_meta(meta: dict[str, str], model) -> None:
    prov = model.provenance
    assert meta["sample data"].startswith("yes" if prov.sample else "no")
    assert meta["approximate boundaries"].startswith("yes" if prov.approximate else "no")
    assert meta["data date"] == str(prov.data_date)
    assert meta["layout"] == prov.layout
    assert meta["data note"] == notes.data_note(model)
    assert meta["written by"].startswith("slmap ")


# --- metadata -------------------------------------------------------------------------------


def test_gpkg_metadata_tables(tmp_path):
    model = make_model()
    path = tmp_path / "s.gpkg"
    export.export_model(model, "all", "gpkg", path, boundaries_licence="CC-BY-4.0 (Sở TT&TT)")
    meta = export.read_gpkg_metadata(path)
    _check_meta(meta, model)
    assert meta["licence (commune boundaries)"] == "CC-BY-4.0 (Sở TT&TT)"
    with sqlite3.connect(path) as db:
        refs = db.execute(
            "SELECT reference_scope, table_name FROM gpkg_metadata_reference r JOIN "
            "gpkg_metadata m ON m.id = r.md_file_id WHERE m.mime_type = 'text/plain'"
        ).fetchall()
        ext = db.execute(
            "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_metadata'"
        ).fetchone()[0]
    db.close()
    assert ("geopackage", None) in refs
    assert {t for s, t in refs if s == "table"} == {
        "communes",
        "villages",
        "uncovered",
        "districts",
    }
    assert ext == 2


def test_user_boundaries_licence_defaults_to_unknown(tmp_path):
    approximate = export.build_metadata(make_model(sample=False, approximate=True))
    assert approximate.sources[1][2].startswith("drawn by slmap")
    model = make_model(sample=False)
    export.export_model(model, "villages", "csv", tmp_path / "v.csv")
    text = (tmp_path / "v.csv.metadata.txt").read_text(encoding="utf-8")
    meta = parse_metadata_text(text)
    _check_meta(meta, model)
    assert meta["source (village register)"] == "bản.csv"  # the name, not the local folder
    assert meta["licence (commune boundaries)"] == "unknown"


def test_shapefile_zip_carries_metadata_and_styles(tmp_path):
    model = make_model()
    export.export_model(model, "all", "shp", tmp_path / "set.zip", zip=True)
    with zipfile.ZipFile(tmp_path / "set.zip") as zf:
        names = set(zf.namelist())
        for layer in ("communes", "villages", "uncovered", "districts"):
            assert {f"{layer}.qml", f"{layer}.sld", f"{layer}.shp.metadata.txt"} <= names
        meta = parse_metadata_text(zf.read("villages.shp.metadata.txt").decode("utf-8"))
    _check_meta(meta, model)


def test_excel_about_sheet_has_the_same_metadata(tmp_path):
    model = make_model()
    export.export_model(model, "all", "xlsx", tmp_path / "a.xlsx")
    about = load_workbook(tmp_path / "a.xlsx")["about"]
    rows = {r[0]: r[1] for r in about.iter_rows(values_only=True) if r and r[0]}
    assert rows["sample data"].startswith("yes")
    assert rows["layout"] == "2025"
    assert about["A1"].value == notes.data_note(model)


def test_sample_metadata_names_pinned_licences(sample_model, tmp_path):
    export.export_model(sample_model, "all", "gpkg", tmp_path / "s.gpkg")
    meta = export.read_gpkg_metadata(tmp_path / "s.gpkg")
    _check_meta(meta, sample_model)
    assert meta["as of"] == sample_model.provenance.as_of
    assert meta["input layout (register)"] == sample_model.provenance.input_layouts["register"]
    assert "MIT" in meta["licence (commune boundaries)"]
    assert "vietnam-3d-map" in meta["licence (commune boundaries)"]


# --- styles ---------------------------------------------------------------------------------


def test_ogrinfo_lists_one_default_style_per_layer(tmp_path):
    path = tmp_path / "s.gpkg"
    export.export_model(make_model(), "all", "gpkg", path)
    out = subprocess.run(
        [_ogrinfo(), "-q", str(path), "layer_styles"], capture_output=True, text=True, check=True
    ).stdout
    tables = [line.split("=", 1)[1].strip() for line in out.splitlines() if "f_table_name" in line]
    assert sorted(tables) == ["communes", "districts", "uncovered", "villages"]
    assert out.count("useAsDefault (Integer(Boolean)) = 1") == 4


@pytest.mark.parametrize("breaks", [None, "1,2"])
def test_commune_qml_has_the_map_classes(tmp_path, breaks):
    model = make_model()
    style = export.StyleOptions(metric="villages_no_mbb", breaks=breaks, lang="en")
    export.export_model(model, "communes", "shp", tmp_path / "c.shp", style=style)
    root = ET.parse(tmp_path / "c.qml").getroot()
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol"
    assert "vill_nombb" in renderer.get("attr")  # the Shapefile's 10-byte field name
    cls = classify(model.communes["villages_no_mbb"], metric="villages_no_mbb", breaks=breaks,
                   lang="en")  # fmt: skip
    labels = [r.get("label") for r in renderer.iter("range")]
    assert labels == ["No data", *cls.labels]
    uppers = [float(r.get("upper")) for r in renderer.iter("range")][1:]
    assert uppers == list(cls.bins)
    colors = [s.find("layer/Option/Option[@name='color']").get("value") for s in
              renderer.find("symbols")]  # fmt: skip
    hexes = ["#{:02x}{:02x}{:02x}".format(*map(int, c.split(",")[:3])) for c in colors]
    assert hexes == [NODATA_COLOR, *cls.colors]
    sld = ET.parse(tmp_path / "c.sld").getroot()
    assert len(list(sld.iter("{http://www.opengis.net/sld}Rule"))) == cls.k + 1


def test_village_styles_red_uncovered_hollow_estimated(tmp_path):
    export.export_model(make_model(), "all", "gpkg", tmp_path / "s.gpkg")
    with sqlite3.connect(tmp_path / "s.gpkg") as db:
        qml = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall())
    db.close()
    red = "{},{},{}".format(*(int(UNCOVERED_RED[i : i + 2], 16) for i in (1, 3, 5)))
    uncovered = ET.fromstring(qml["uncovered"].split("\n", 2)[2])
    values = [c.get("value") for c in uncovered.iter("category")]
    assert values == ["uncovered_surveyed", "uncovered_estimated"]
    props = [{p.get("k"): p.get("v") for p in s.iter("prop")} for s in uncovered.iter("symbol")]
    assert props[0]["color"].startswith(red)  # filled red
    assert props[1]["outline_color"].startswith(red) and props[1]["color"].startswith("255,255,255")
    villages = ET.fromstring(qml["villages"].split("\n", 2)[2])
    assert len(list(villages.iter("category"))) == 4
    districts = ET.fromstring(qml["districts"].split("\n", 2)[2])
    assert {p.get("k"): p.get("v") for p in districts.iter("prop")}["outline_style"] == "dash"


def test_cli_export_style_options(tmp_path, monkeypatch):
    model = make_model()
    monkeypatch.setattr(cli_export, "load_from_options", lambda **kw: model)
    out = tmp_path / "u.shp"
    args = ["export", "--layer", "communes", "--format", "shp", "--out", str(out),
            "--metric", "share_4g", "--breaks", "50", "--lang", "en"]  # fmt: skip
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    labels = [r.get("label") for r in ET.parse(tmp_path / "u.qml").getroot().iter("range")]
    expected = classify(model.communes["share_4g"], metric="share_4g", breaks="50", lang="en")
    assert labels == ["No data", *expected.labels]
    bad = CliRunner().invoke(cli, [*args[:6], str(tmp_path / "x.shp"), "--breaks", "a"])
    assert bad.exit_code != 0 and "--breaks" in bad.output


# --- KML / KMZ ------------------------------------------------------------------------------


def test_kmz_one_placemark_per_village_names_intact(tmp_path):
    model = make_model()
    xss = "<script>alert(1)</script>"
    model.villages.loc[model.villages.index[0], "village_name"] = xss
    path = tmp_path / "s.kmz"
    export.export_model(model, "all", "kmz", path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist()[0] == "doc.kml"
        raw = zf.read("doc.kml")
    assert b"<script>" not in raw  # escaped everywhere, balloon HTML included
    root = ET.fromstring(raw)
    folders = [f.findtext(f"{K}name") for f in root.find(f"{K}Document").findall(f"{K}Folder")]
    assert folders == ["communes", "villages", "districts"]  # each village once
    doc = root.find(f"{K}Document")
    data = {d.get("name"): d.findtext(f"{K}value") for d in doc.find(f"{K}ExtendedData")}
    _check_meta(data, model)
    out = subprocess.run(
        [_ogrinfo(), "-al", "-q", str(path)], capture_output=True, text=True, check=True
    ).stdout
    names = [line.split("=", 1)[1].strip() for line in out.splitlines()
             if line.strip().startswith("Name (String) =")]  # fmt: skip
    expected = list(model.villages.village_name) + list(model.communes.commune_name)
    expected += list(model.districts.district_name)
    assert sorted(names) == sorted(expected)
    assert xss in names


def test_sample_kml_villages(sample_model, tmp_path):
    path = tmp_path / "v.kml"
    export.export_model(sample_model, "villages", "kml", path)
    info = {
        name: pyogrio.read_info(path, layer=name)["features"]
        for name, _ in pyogrio.list_layers(path)
    }
    assert sum(info.values()) == len(sample_model.villages)
    root = ET.parse(path).getroot()
    marks = list(root.iter(f"{K}Placemark"))
    assert sorted(m.findtext(f"{K}name") for m in marks) == sorted(
        sample_model.villages.village_name
    )
    red = sum(m.findtext(f"{K}styleUrl").startswith("#villages_uncovered") for m in marks)
    assert red == int((~sample_model.villages.mobile_broadband.astype(bool)).sum())


#: Child order of KML 2.2 features (ogckml22.xsd: AbstractFeatureGroup, then the
#: Document/Folder or Placemark extensions); elements slmap does not write are left out.
KML_FEATURE_ORDER = ("name", "visibility", "open", "Snippet", "description", "styleUrl",
                     "Style", "StyleMap", "ExtendedData")  # fmt: skip
KML_TAIL = {
    "Document": ("Schema", "Folder", "Placemark"),
    "Folder": ("Folder", "Placemark"),
    "Placemark": ("Point", "LineString", "Polygon", "MultiGeometry"),
}


def test_kml_elements_follow_the_kml22_schema_order(sample_model, tmp_path):
    path = tmp_path / "all.kml"
    export.export_model(sample_model, "all", "kml", path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{K}kml"
    checked = 0
    for kind, tail in KML_TAIL.items():
        order = {tag: i for i, tag in enumerate((*KML_FEATURE_ORDER, *tail))}
        for element in root.iter(f"{K}{kind}"):
            tags = [child.tag.removeprefix(K) for child in element]
            unknown = [t for t in tags if t not in order]
            assert not unknown, (kind, unknown)
            ranks = [order[t] for t in tags]
            assert ranks == sorted(ranks), (kind, tags)
            checked += 1
    assert checked >= len(sample_model.villages) + len(sample_model.communes)
