"""The map page: offline, escaped, bilingual, compact; and the ``slmap map`` command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from _browser import EVIL_IMG, EVIL_SCRIPT, synthetic_model
from slmap.base.errors import InputError
from slmap.base.simplify import simplify_coverage
from slmap.cli import cli
from slmap.page import data as map_data
from slmap.page import render
from slmap.page import villages as map_villages
from slmap.page.assets import remote_resources
from slmap.page.search import search_fold

CDN_WORDS = ("jquery", "bootstrap", "awesome", "fontawesome", "glyphicons", "cdn.jsdelivr", "unpkg")


def _build(model, **options):
    return render.build_map(map_data.page_data(model, **options))


def _data(fmap) -> dict:
    layers = [c for c in fmap._children.values() if isinstance(c, render._Layers)]
    assert len(layers) == 1
    return json.loads(layers[0].data)


def test_page_is_offline_and_has_no_cdn() -> None:
    html = render.render_html(synthetic_model())
    assert remote_resources(html) == []
    lowered = html.lower()
    for word in CDN_WORDS:
        assert word not in lowered, word
    assert not re.search(r"\bsrc\s*=\s*['\"]?https?://", html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    assert "window.slmapReady = true" in html


def test_osm_tiles_only_on_request() -> None:
    html = render.render_html(synthetic_model(), tiles="osm", lang="en")
    found = remote_resources(html)
    assert found and all("tile.openstreetmap.org" in url for url in found)
    with pytest.raises(InputError, match="--tiles"):
        _build(synthetic_model(), tiles="google")


def test_input_text_is_never_raw_html() -> None:
    html = render.render_html(synthetic_model())
    for evil in (EVIL_IMG, EVIL_SCRIPT, "<b>register</b>"):
        assert evil not in html
    assert "alert(1)" in html  # present, but only as escaped JSON text
    assert html.lower().count("</script>") == html.lower().count("<script>")


def test_a_large_layer_carries_its_folded_names_in_search_order() -> None:
    n = map_villages.FOLDED_NAMES_MIN + 1
    villages = pd.DataFrame(
        {
            "village_name": [f"Bản Nà {n - i}" for i in range(n)],
            "commune_code": "04000",
            "district_name": "Mai Sơn",
            "lon": 104.0,
            "lat": 21.0,
            "households": 10,
            "population": 40,
            "mobile_signal": "none",
            "mobile_broadband": False,
            "fibre": pd.NA,
            "grid_power": True,
            "location_estimated": False,
        }
    )
    columns = map_villages.village_columns(villages, {"04000": 0}, {"Mai Sơn": 0})
    folded = columns["s"].split("\n")
    assert len(folded) == n and folded == sorted(folded)
    assert folded == [search_fold(name) for name in columns["n"]]
    small = map_villages.village_columns(villages.head(100), {"04000": 0}, {"Mai Sơn": 0})
    assert "s" not in small


def test_layers_and_properties() -> None:
    model = synthetic_model(sample=True, approximate=True)
    data = _data(_build(model, metric="fibre_hh_share", lang="en"))
    communes = data["topology"]["objects"]["communes"]["geometries"]
    assert len(communes) == 4
    assert {f["properties"]["k"] for f in communes} >= {-1}  # explicit no-data class
    assert [f["properties"]["v"] for f in communes][:2] == ["38.6 %", None]
    uncovered, covered = data["uncovered"], data["covered"]
    assert set(uncovered) == set("ncdxyhpfi")  # i: village codes (searchable, shareable)
    assert len(uncovered["n"]) == 4 and len(covered["n"]) == 6
    assert all(len(col) == 4 for col in uncovered.values())
    assert all(isinstance(v, int) for v in uncovered["x"] + uncovered["y"])
    # in search order: by folded name (a small layer folds its names in the page)
    folded = [search_fold(n) for n in uncovered["n"]]
    assert folded == sorted(folded)
    first = uncovered["n"].index("Bản Nà Tấu")
    assert uncovered["f"][first] & 7 == 0 and not uncovered["f"][first] & 8  # no signal, no mbb
    assert data["communeCodes"][uncovered["c"][first]] == "04000"
    assert uncovered["i"][first] == "V000"
    assert not data["canvas"] and data["minZoom"] == {"uncovered": 0, "covered": 0}
    assert data["title"]["sample"] and data["title"]["approximate"]
    assert data["s"]["sample"].startswith("SAMPLE DATA")
    assert data["legend"]["nodataCount"] == 2
    assert set(data["topology"]["objects"]) == {"communes", "districts", "province"}


def test_vietnamese_by_default() -> None:
    data = _data(_build(synthetic_model()))
    assert data["lang"] == "vi"
    assert "DỮ LIỆU MẪU" in data["s"]["sample"]
    assert data["legend"]["title"] == "Số bản chưa có băng rộng di động"
    assert data["s"]["legend_nodata"] == "Không có dữ liệu"
    share = _data(_build(synthetic_model(), metric="share_4g", breaks="50,75"))
    assert share["legend"]["classes"][0]["label"] == "25,0 – 50,0"


def test_bad_metric() -> None:
    with pytest.raises(InputError, match="--metric"):
        _build(synthetic_model(), metric="households")


def test_cli_map_writes_atomically(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import slmap.cli.map as map_cli

    calls = []
    monkeypatch.setattr(
        map_cli, "load_from_options", lambda **kw: calls.append(kw) or synthetic_model()
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["map"])
    assert first.exit_code == 0, first.output
    out = tmp_path / "maps" / "son_la_coverage.html"
    assert out.exists() and "maps/son_la_coverage.html" in first.output and "bytes" in first.output
    again = runner.invoke(cli, ["map", "--lang", "en", "--metric", "share_4g"])
    assert again.exit_code == 0, again.output  # the default output is rebuilt in place
    assert '<html lang="en">' in out.read_text(encoding="utf-8")
    target = tmp_path / "mine.html"
    target.write_text("keep me", encoding="utf-8")
    refused = runner.invoke(cli, ["map", "--out", str(target)])
    assert refused.exit_code != 0 and target.read_text(encoding="utf-8") == "keep me"
    replaced = runner.invoke(cli, ["map", "--out", str(target), "--overwrite"])
    assert replaced.exit_code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maps", "mine.html"]
    n_calls = len(calls)
    bad = runner.invoke(cli, ["map", "--breaks", "1,x", "--out", str(tmp_path / "b.html")])
    assert bad.exit_code != 0 and len(calls) == n_calls  # refused before loading
    assert not (tmp_path / "b.html").exists()


def test_simplify_keeps_a_clean_coverage() -> None:
    a = shapely.Polygon([(0, 0), (1, 0), (1.00003, 0.5), (1, 1), (0, 1)])
    b = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (0.99998, 0.5)])  # overlap + gap
    out = simplify_coverage([a, b], tolerance=0.001)
    assert shapely.coverage_is_valid(out)
    assert shapely.area(shapely.intersection(out[0], out[1])) == 0
    assert abs(shapely.union_all(out).area - 2.0) < 1e-6


@pytest.mark.geodata
def test_real_communes_simplify_without_gaps_or_overlaps(shared_geodata: Path) -> None:
    import geopandas as gpd

    communes = gpd.read_file(shared_geodata / "son_la" / "communes_75_2025.geojson")
    out = simplify_coverage(communes.geometry.values)
    assert len(out) == 75 and not shapely.is_empty(out).any()
    assert shapely.coverage_is_valid(out)
    union = shapely.union_all(out)
    holes = sum(len(p.interiors) for p in shapely.get_parts(union))
    assert holes == 0
    ratio = shapely.area(out).sum() / shapely.area(communes.geometry.values).sum()
    assert abs(ratio - 1) < 0.005
    coords = shapely.get_coordinates(out)
    assert np.allclose(coords, np.round(coords, 5))


@pytest.mark.geodata
def test_sample_map_size_and_counts(sample_model, tmp_path: Path) -> None:
    fmap = _build(sample_model)
    data = _data(fmap)
    assert len(data["topology"]["objects"]["communes"]["geometries"]) == 75
    assert len(data["uncovered"]["n"]) == 123
    assert len(data["covered"]["n"]) == 1825 - 123
    assert not data["canvas"]
    html = render.map_html(fmap)
    size = len(html.encode("utf-8"))
    assert size < 1_500_000, f"map is {size:,} bytes"
    assert remote_resources(html) == []
    assert "dữ liệu mẫu" in html.lower()
