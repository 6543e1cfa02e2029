"""KML/KMZ need no network (icons inside the KMZ); GeoJSON carries the full metadata."""

from __future__ import annotations

import json
import re
import zipfile

from _models import make_model
from slmap import export
from slmap.export.metadata import metadata_lines, parse_metadata_text

_ONLINE = re.compile(rb"https?://(?!www\.opengis\.net/kml/2\.2\b)")  # the namespace is a name


def test_kmz_carries_its_icons_and_names_nothing_online(tmp_path):
    out = tmp_path / "v.kmz"
    export.export_model(make_model(), "all", "kmz", out)
    with zipfile.ZipFile(out) as zf:
        doc = zf.read("doc.kml")
        hrefs = set(re.findall(rb"<href>([^<]*)</href>", doc))
        assert hrefs and hrefs <= {b"files/dot.png", b"files/ring.png"}
        for href in hrefs:
            assert zf.read(href.decode()).startswith(b"\x89PNG\r\n\x1a\n")
    assert not _ONLINE.search(doc)


def test_kml_names_no_online_icon(tmp_path):
    out = tmp_path / "v.kml"
    export.export_model(make_model(), "all", "kml", out)
    doc = out.read_bytes()
    assert not _ONLINE.search(doc) and b"<href>" not in doc


def test_geojson_carries_the_same_metadata_as_the_other_formats(tmp_path):
    model = make_model()
    export.export_model(model, "villages", "geojson", tmp_path / "v.geojson")
    export.export_model(model, "villages", "csv", tmp_path / "v.csv")
    document = json.loads((tmp_path / "v.geojson").read_text(encoding="utf-8"))
    text = (tmp_path / "v.csv.metadata.txt").read_text(encoding="utf-8")
    assert document["metadata"] == parse_metadata_text(text)
    meta = export.build_metadata(model)
    assert list(document["metadata"]) == [k for k, _ in metadata_lines(meta)]
    assert document["metadata"]["sample data"].startswith("yes")
