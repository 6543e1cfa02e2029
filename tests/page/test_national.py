"""The national map (3,321 communes of the 2025 layout) from approximate boundaries.

Uses no data folder: boundaries fall back to approximate Voronoi communes from
the registry, and a deterministic synthetic register of 20,000 villages keeps
the run short. The browser test checks every commune is drawn on the canvas.
"""

from __future__ import annotations

import pytest

from _browser import assert_clean, open_map
from slmap.page import render
from slmap.page.assets import remote_resources

N_COMMUNES = 3321
N_VILLAGES = 20_000
COUNTS = """() => {
              const c = window.slmapLayers.communes.getLayers();
              const g = window.slmapLayers.groups;
              let drawn = 0, markers = {};
              for (const l of c) if (l._map && l._rings && l._rings.length) drawn++;
              for (const k of ["uncovered", "covered"]) {
                markers[k] = 0;
                g[k].eachLayer(pl => pl.eachLayer(() => markers[k]++));
              }
              return {features: c.length, drawn: drawn, markers: markers,
                      canvas: document.querySelectorAll("canvas").length,
                      svgPaths: document.querySelectorAll("path.slmap-commune").length,
                      legend: document.querySelector(".slmap-legend").innerText};
}"""


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory):
    """(model, html path) of the national map, built once for this module."""
    from slmap.model import load_coverage
    from slmap.sample.registers import generate_register

    folder = tmp_path_factory.mktemp("national")
    register = folder / "national.csv"
    generate_register("all", villages=N_VILLAGES).to_csv(register, index=False)
    mp = pytest.MonkeyPatch()
    mp.delenv("SLMAP_DATA_DIR", raising=False)
    mp.setenv("SLMAP_CACHE_DIR", str(folder / "cache"))
    try:
        model = load_coverage(register=register, province="all")
    finally:
        mp.undo()
    path = folder / "vietnam_coverage.html"
    path.write_text(render.render_html(model, lang="en"), encoding="utf-8")
    return model, path


def test_national_page_is_compact_and_offline(national) -> None:
    model, path = national
    assert len(model.communes) == N_COMMUNES
    assert model.provenance.approximate
    html = path.read_text(encoding="utf-8")
    assert remote_resources(html) == []
    # ~55 bytes a village, ~700 a commune: 20,000 villages stay far below 15 MB
    assert path.stat().st_size < 6_000_000, path.stat().st_size
    assert '"canvas":true' in html


def test_default_output_follows_the_province() -> None:
    from slmap.cli.map import DEFAULT_OUT, default_out

    assert default_out("14") == DEFAULT_OUT
    assert default_out("all").name == "vietnam_coverage.html"


@pytest.mark.browser
@pytest.mark.usefixtures("browser_ready")
def test_national_map_in_browser(national) -> None:
    model, path = national
    n_uncovered = int((~model.villages["mobile_broadband"].astype(bool)).sum())

    name = str(model.villages["village_name"].iloc[-1])

    def action(page):
        counts = page.evaluate(COUNTS)
        page.locator(".slmap-search input").fill(name)
        page.locator(".slmap-search li.slmap-result").first.click()
        popup = page.locator(".leaflet-popup-content").last.inner_text()
        return popup, counts, page.evaluate(COUNTS)

    (popup, seen, zoomed), report = open_map(path, action)
    assert_clean(report)
    assert name in popup
    assert seen["features"] == N_COMMUNES
    assert seen["drawn"] == N_COMMUNES
    assert seen["canvas"] >= 1 and seen["svgPaths"] == 0
    assert seen["markers"]["uncovered"] == n_uncovered  # all drawn at every zoom
    assert seen["markers"]["covered"] == 0  # covered villages wait for zoom 11
    assert "zoom in" in seen["legend"]
    assert 0 < zoomed["markers"]["covered"] < N_VILLAGES  # then only those in view


@pytest.mark.browser
@pytest.mark.usefixtures("browser_ready")
def test_national_map_commune_opens_its_popup_on_click(national) -> None:
    _, path = national

    def action(page):
        spot = page.evaluate(
            """() => {
                const map = window.slmapMap, c = map.getContainer().getBoundingClientRect();
                // a point inside a commune, in view, at least 25 px from every village drawn
                const marks = [];
                for (const k of ["uncovered", "covered"]) {
                  window.slmapLayers.groups[k].eachLayer(pl => pl.eachLayer(
                    m => marks.push(map.latLngToContainerPoint(m.getLatLng()))));
                }
                let best = null;
                window.slmapLayers.communes.eachLayer((l) => {
                  if (best) return;
                  const p = map.latLngToContainerPoint(l.getBounds().getCenter());
                  const clear = marks.every(m => Math.hypot(m.x - p.x, m.y - p.y) > 25);
                  const inside = l.getBounds().contains(map.containerPointToLatLng(p));
                  if (clear && inside && p.x > 400 && p.x < 900 && p.y > 200 && p.y < 800) {
                    best = {x: c.left + p.x, y: c.top + p.y, code: l.slmapCode};
                  }
                });
                return best;
            }"""
        )
        page.mouse.click(spot["x"], spot["y"])
        page.wait_for_selector(".leaflet-popup-content")
        return spot, page.locator(".leaflet-popup-content").inner_text(), page.title()

    (spot, popup, page_title), report = open_map(path, action)
    assert_clean(report)
    assert "Vietnam" in page_title  # the English map names the country
    assert spot["code"] in popup  # the commune under the click answered it
