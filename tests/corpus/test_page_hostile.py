"""Hostile text in every input of ``slmap map --sites --prediction --plan``; hostile share links.

Every text field of every input file (register, boundaries, statistics,
sites, prediction with its ``coverage`` layer, plan and its villages) holds
strings that break out of HTML, attributes, scripts, URLs, bidi order and
templates. The map is built by the CLI and opened in headless Chromium with a
trap: ``window.__pwned`` must stay undefined, nothing may load or log an
error, and the text must show literally where the page shows it (layer
switcher, legend, popups, search results). Share links that are malformed,
out of range or unknown are ignored and the page opens as usual.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box

from _browser import assert_clean, open_map, require_chromium, synthetic_model
from _hostile import HOSTILE_PAGE as HOSTILE
from slmap.cli import cli

from ._build import CODES, centres, register, squares

pytestmark = pytest.mark.browser

#: All of them in one field: a hole for any one of them shows in one build.
EVIL = " ".join(HOSTILE)


def flat(text: str) -> str:
    """Whitespace collapsed (the register reader collapses it; U+2028/9 are whitespace)."""
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def chromium() -> None:
    require_chromium()


def write_hostile_inputs(folder: Path) -> list[str]:
    """Every input of ``slmap map`` with :data:`EVIL` in each text field; returns the CLI args."""
    bounds = squares()
    bounds["ten_xa"] = [f"Xã {i} {EVIL}" for i in range(len(bounds))]
    bounds.to_file(folder / "communes.geojson", driver="GeoJSON")
    reg = register()
    n = len(reg)
    reg["Mã bản"] = [f"B{i} {EVIL}" for i in range(n)]
    reg["Tên bản"] = [f"Bản {i} {EVIL}" for i in range(n)]
    reg["Tên xã"] = f"Xã {EVIL}"
    reg["Tên huyện"] = f"Huyện {EVIL}"
    reg["Điện lưới"] = ["có", "không"] * (n // 2)
    reg["Ghi chú"] = f"note {EVIL}"
    reg["Thôn cũ"] = f"extra {EVIL}"  # a column of the register's own, passed through
    reg.to_csv(folder / "register.csv", index=False)
    ids = [flat(v) for v in reg["Mã bản"]]  # as the register reads them
    c = centres()
    lon, lat = list(c.lon), list(c.lat)
    pd.DataFrame(
        {
            "site_id": [f"S{i} {EVIL}" for i in range(3)],
            "lon": lon,
            "lat": lat,
            "height_m": 30,
            "operator": f"Op {EVIL}",
            "technology": "4g",
            "synthetic": "yes",
        }
    ).to_csv(folder / "sites.csv", index=False)
    gpkg = folder / "prediction.gpkg"
    gpd.GeoDataFrame(
        {
            "village_id": ids,
            "predicted_mbb": [True, False, True, True, False, False],
            "best_site_id": f"S0 {EVIL}",
            "distance_km": 1.5,
            "model": f"m {EVIL}",
            "agreement": "",
        },
        geometry=[Point(x, y) for x, y in zip(lon * 2, lat * 2, strict=True)],
        crs=4326,
    ).to_file(gpkg, layer="villages", driver="GPKG")
    x, y = lon[0], lat[0]
    gpd.GeoDataFrame(
        {"model": [f"model {EVIL}"], "sites": [f"sites {EVIL}"], "note": [f"note {EVIL}"]},
        geometry=[box(x - 0.01, y - 0.01, x + 0.01, y + 0.01)],
        crs=4326,
    ).to_file(gpkg, layer="coverage", driver="GPKG")
    pd.DataFrame(
        [
            {
                "site_id": f"NEW {EVIL}",
                "height_m": 30,
                "technology": "4g",
                "lon": lon[2] + 0.005,
                "lat": lat[2],
                "villages_newly_covered": 1,
                "households_newly_covered": 42,
                "people_newly_covered": 190,
                "village_ids": ids[2],
            }
        ]
    ).to_csv(folder / "plan.csv", index=False)
    pd.DataFrame(
        {
            "row": [2, 3],
            "village_id": [ids[2], ids[3]],
            "new_site_id": [f"NEW {EVIL}", ""],
            "reachable": [True, False],
        }
    ).to_csv(folder / "plan.villages.csv", index=False)
    pd.DataFrame(
        {"commune_code": list(CODES), "ghi_chu": f"stat {EVIL}", "households": [100, 200, 300]}
    ).to_csv(folder / "statistics.csv", index=False)
    return [
        "--boundaries",
        str(folder / "communes.geojson"),
        "--register",
        str(folder / "register.csv"),
        "--statistics",
        str(folder / "statistics.csv"),
        "--sites",
        str(folder / "sites.csv"),
        "--prediction",
        str(gpkg),
        "--plan",
        str(folder / "plan.csv"),
        "--lang",
        "en",
    ]


POPUPS = {
    "commune": "path.slmap-commune",
    "village": "path.slmap-uncovered",
    "site": ".slmap-pred-site",
    "none_covered": ".slmap-pred-none-covered",
    "covered_none": ".slmap-pred-covered-none",
    "plan": ".slmap-plan-site",
    "unreachable": ".slmap-plan-unreachable",
}


def _seen(page) -> dict:
    seen = {}
    for key, selector in POPUPS.items():
        page.evaluate("window.slmapMap.closePopup()")
        page.locator(selector).first.dispatch_event("click")
        seen[key] = page.locator(".leaflet-popup-content").last.text_content()
    page.evaluate("window.slmapMap.closePopup()")
    page.locator(".slmap-search input").fill("script")
    seen["search"] = page.locator(".slmap-search ul").text_content()
    page.locator(".slmap-answers-toggle").click()
    seen["answers"] = page.locator(".slmap-answers").text_content()
    seen["layers"] = page.evaluate(
        "[...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".map(l => l.textContent)"
    )
    seen["legend"] = page.locator(".slmap-legend").text_content()
    seen["csv"] = page.evaluate("window.slmapAnswers.csvText('province')")
    seen["pwned"] = page.evaluate("typeof window.__pwned")
    seen["injected"] = page.evaluate(
        "document.querySelectorAll('img, [onerror], [onload], iframe').length"
    )
    return seen


def test_hostile_text_in_every_input_shows_literally(chromium, tmp_path: Path) -> None:
    args = write_hostile_inputs(tmp_path)
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["map", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    seen, report = open_map(out, _seen)
    assert_clean(report)
    assert seen["pwned"] == "undefined" and seen["injected"] == 0
    evil = flat(EVIL)
    model_layer = [name for name in seen["layers"] if "model " in name]
    assert len(model_layer) == 1 and f"model {EVIL}" in model_layer[0]
    assert f"model {EVIL}" in seen["legend"]
    for key in POPUPS:
        if key != "commune":  # communes are named by the registry, not by the file
            assert evil in flat(seen[key]), (key, seen[key])
    assert f"Op {evil}" in flat(seen["site"])
    assert f"NEW {evil}" in flat(seen["plan"])
    assert evil in flat(seen["search"])
    cells = {cell for row in csv.reader(io.StringIO(seen["csv"], newline="")) for cell in row}
    assert {f"extra {evil}", f"note {evil}"} <= cells  # register columns passed through


#: Share links the page must ignore (in part or whole) and still open as usual.
BAD_LINKS = [
    "#c=%E0%A4%A",
    "#map=-1e9/1e300/-1e300",
    "#map=NaN/x/y",
    "#map=5",
    "#map=12/95/10",
    "#map=12/21/200",
    "#map=99/21.3/103.9",
    "#map=Infinity/21/104",
    "#map=0x10/21/104",
    "#map=12/21/104/7",
    "#nope=1&&=&x&map=",
    "#v=no-such-village",
    "#c=99999",
    "#v=%E0%A4%A&c=%ZZ&map=%",
    "#" + "map=8/21/104&" * 8000,
    "#" + "x" * 100_000,
    "#" + "%" * 1000,
    "#map=8/21.3/103.9&v=<img src=x onerror=window.__pwned=1>",
]


@pytest.fixture(scope="module")
def small_page(tmp_path_factory) -> Path:
    from slmap.page.render import render_html

    path = tmp_path_factory.mktemp("links") / "map.html"
    path.write_text(render_html(synthetic_model(), lang="en"), encoding="utf-8")
    return path


@pytest.mark.parametrize("link", BAD_LINKS, ids=range(len(BAD_LINKS)))
def test_bad_share_links_are_ignored(chromium, small_page: Path, link: str) -> None:
    def action(page):
        return page.evaluate(
            """() => ({communes: document.querySelectorAll('path.slmap-commune').length,
              zoom: window.slmapMap.getZoom(), center: window.slmapMap.getCenter(),
              pwned: typeof window.__pwned, popup: !!document.querySelector('.leaflet-popup')})"""
        )

    seen, report = open_map(small_page, action, fragment=link)
    assert_clean(report)
    assert seen["communes"] == 4 and seen["pwned"] == "undefined"
    assert 4 <= seen["zoom"] <= 16
    assert -90 <= seen["center"]["lat"] <= 90 and -180 <= seen["center"]["lng"] <= 180
    assert not seen["popup"]


def test_good_parts_of_a_share_link_still_apply(chromium, small_page: Path) -> None:
    """A valid view and commune are kept beside junk keys and a bad village."""
    link = "#junk=%E0%A4%A&map=11.00/21.25000/103.75000&c=04000&v=nope"

    def action(page):
        m = "window.slmapMap"
        return page.evaluate(
            f"""() => ({{zoom: {m}.getZoom(), lat: {m}.getCenter().lat, lng: {m}.getCenter().lng,
              popup: (document.querySelector('.leaflet-popup-content') || {{}}).textContent}})"""
        )

    seen, report = open_map(small_page, action, fragment=link)
    assert_clean(report)
    assert seen["zoom"] == 11
    assert abs(seen["lat"] - 21.25) < 1e-3 and abs(seen["lng"] - 103.75) < 1e-3
    assert "Mường La" in seen["popup"]


#: (link, what the parser keeps): view as [zoom, lat, lng], commune, village.
PARSED = [
    ("#map=11/21.25/103.75", {"view": [11, 21.25, 103.75]}),
    ("#map=4/-90/-180&c=04000", {"view": [4, -90, -180], "c": "04000"}),
    ("#map=16/90/180&v=V001", {"view": [16, 90, 180], "v": "V001"}),
    ("#map=3.99/21/104", {}),
    ("#map=16.01/21/104", {}),
    ("#map=12/-90.5/104", {}),
    ("#map=12/21/-180.1", {}),
    ("#map= 12/21/104", {}),
    ("#map=12/21/104e", {}),
    ("#map=1e1/2.1e1/1.04e2", {"view": [10, 21, 104]}),
    ("#c=04000&c=%E0%A4%A", {"c": "04000"}),
    ("#c=%30%34%30%30%30", {"c": "04000"}),
    ("#v=V001&v=V999", {"v": "V001"}),
    ("#=V001&v&&v==V001", {}),
    ("#map=11/21/104&" + "z" * 2000, {}),
    ("", {}),
]


def test_share_link_parser_keeps_only_valid_parts(chromium, small_page: Path) -> None:
    def action(page):
        return page.evaluate(
            """(links) => links.map((link) => {
                 const limits = {minZoom: 4, maxZoom: 16,
                   commune: (c) => c === "04000", village: (v) => v === "V001"};
                 const h = window.slmapParseHash(link, limits);
                 if (h.view) h.view = [h.view.zoom, h.view.center[0], h.view.center[1]];
                 return h;
               })""",
            [link for link, _ in PARSED],
        )

    parsed, report = open_map(small_page, action)
    assert_clean(report)
    assert parsed == [expected for _, expected in PARSED]
