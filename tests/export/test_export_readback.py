"""Every export is readable back by an independent reader, hostile names included.

A property test: a village name drawn from hostile pieces (markup, XML
terminators, quotes, formula starts, control characters, U+FFFE, lone
surrogates, RTL marks, a 40,000-character name) is exported to every format
and read back with GDAL (pyogrio), openpyxl, an XML parser and the csv module;
the name comes back as written after the documented cleaning (characters no
format holds removed), truncation (Shapefile 254 bytes, Excel 32,767
characters) and the format's own rule (XML turns a carriage return into a line
feed; dBASE drops leading and trailing spaces).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from xml.dom import minidom
from xml.etree import ElementTree as ET

import pyogrio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _models import make_model
from slmap import export
from slmap.base.formulas import unguard_cell
from slmap.base.xmltext import FORBIDDEN
from slmap.export.excel import XLSX_CELL_LIMIT
from slmap.export.fields import cut_utf8

PIECES = [
    "<script>alert(1)</script>", "&", "&amp;", "]]>", '"', "'", "=1+1", "+1", "-x", "@a",
    "\x01", "\x00", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff", "\u200f", "\u202e",
    "Bản Nà Tấu", "\t", "\n", "\r", " ", "x" * 40_000,
]  # fmt: skip

NAMES = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(codec=None, exclude_categories=())),
    min_size=1,
    max_size=6,
).map("".join)

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def _xml(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _named(name: str, rows: int = 1):
    """The test model with its first ``rows`` villages named ``name`` (object column:
    pandas' Arrow strings cannot hold a lone surrogate, a Python-built model can)."""
    model = make_model(sample=False)
    model.villages["village_name"] = model.villages["village_name"].astype(object)
    model.villages.loc[model.villages.index[:rows], "village_name"] = name
    return model


def _missing(value) -> str:
    return "" if value is None or value != value else value


def _export(model, fmt: str, folder: Path):
    out = folder / f"v.{fmt}"
    result = export.export_model(model, "villages", fmt, out)
    return out, result


def _kml_names(data: bytes) -> list[str]:
    minidom.parseString(data)  # a second, independent parser
    root = ET.fromstring(data)
    return [(p.findtext("k:name", "", KML_NS)) for p in root.iter(f"{{{KML_NS['k']}}}Placemark")]


def _read_back(fmt: str, out: Path) -> list[str]:
    if fmt in ("gpkg", "geojson"):
        layer = "villages" if fmt == "gpkg" else None
        return [_missing(v) for v in pyogrio.read_dataframe(out, layer=layer)["village_name"]]
    if fmt == "shp":
        return [_missing(v) for v in pyogrio.read_dataframe(out)["vill_name"]]
    if fmt == "csv":
        text = out.read_bytes().decode("utf-8-sig")  # no newline translation
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        return [unguard_cell(r["village_name"]) for r in rows]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out)["villages"]
        header = [c.value for c in sheet[1]]
        col = header.index("village_name")
        return [r[col] or "" for r in sheet.iter_rows(min_row=2, values_only=True)]
    if fmt == "kmz":
        with zipfile.ZipFile(out) as zf:
            return _kml_names(zf.read("doc.kml"))
    return _kml_names(out.read_bytes())


def _expected(name: str, fmt: str) -> str:
    clean = FORBIDDEN.sub("", name)
    if fmt == "shp":
        return cut_utf8(clean, 254).strip(" ")  # dBASE pads; GDAL strips both ends
    if fmt == "xlsx":
        return _xml(clean[:XLSX_CELL_LIMIT])
    if fmt in ("kml", "kmz"):
        return _xml(clean)
    return clean


@pytest.mark.parametrize("fmt", export.FORMATS)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES)
def test_a_hostile_name_reads_back(tmp_path_factory, fmt: str, name: str) -> None:
    model = _named(name)
    out, result = _export(model, fmt, tmp_path_factory.mktemp(fmt))
    names = _read_back(fmt, out)
    assert _expected(name, fmt) in names
    if FORBIDDEN.search(name):
        assert [w.kind for w in result.warnings].count("characters_removed") == 1
    if fmt in ("geojson", "gpkg", "shp"):  # GDAL opens it, every feature
        layer = "villages" if fmt == "gpkg" else None
        assert len(pyogrio.read_dataframe(out, layer=layer)) == len(model.villages)
    if fmt == "kml":  # GDAL reads each KML folder as a layer
        frames = [pyogrio.read_dataframe(out, layer=n) for n, _ in pyogrio.list_layers(out)]
        assert sum(len(f) for f in frames) == len(model.villages)
        assert _expected(name, fmt) in [_missing(v) for f in frames for v in f["Name"]]


def test_excel_cut_warns_naming_layer_field_and_count(tmp_path) -> None:
    model = _named("x" * 40_000, rows=2)
    _, result = _export(model, "xlsx", tmp_path)
    [cut] = [w for w in result.warnings if w.kind == "text_cut"]
    assert "layer villages: 2 value(s)" in str(cut) and "village_name" in str(cut)


def test_kml_with_a_control_character_is_well_formed(tmp_path) -> None:
    model = _named("Bản\x01 Mé\ufffe")
    for fmt in ("kml", "kmz"):
        out, result = _export(model, fmt, tmp_path / fmt)
        assert "Bản Mé" in _read_back(fmt, out)
        assert "2 character(s)" in str(result.warnings[0])


def test_kml_metadata_with_a_control_character_is_well_formed(tmp_path) -> None:
    from dataclasses import replace

    model = make_model(sample=False)
    meta = export.build_metadata(model)
    meta = replace(meta, note=meta.note + "\x01\ufffe")
    layers = export.model_layers(model, "villages")
    export.write_layers(layers, tmp_path / "v.kml", "kml", meta=meta)
    ET.fromstring((tmp_path / "v.kml").read_bytes())
