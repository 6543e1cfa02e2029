"""The map's layout in headless Chromium: phone, laptop and desktop sizes, keyboard, print.

At each size the visible controls (every Leaflet control and the title block)
must not overlap, the search box must take a tap at its centre, the legend
must be reachable and a village popup opened at the map's edge must end up
inside the map and clear of every control. In print (A4 landscape) the
interactive controls are hidden, the whole province sits inside the framed map
area and the title, legend, scale bar and north arrow stand beside it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from _browser import ARTIFACTS, assert_clean, open_map, synthetic_model
from slmap.page import data as map_data
from slmap.page.render import render_html

pytestmark = pytest.mark.browser

SIZES = [(390, 844, True), (1024, 768, False), (1440, 900, False)]

CONTROL_RECTS = """() => {
  const out = [];
  document.querySelectorAll('.leaflet-control, .slmap-title').forEach((n) => {
    const r = n.getBoundingClientRect();
    const style = getComputedStyle(n);
    if (r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none')
      out.push({name: n.className, left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  });
  return out;
}"""

POPUP_AT_EDGE = """(edge) => {
  const map = window.slmapMap;
  let marker = null;
  map.eachLayer((l) => {
    if (!marker && l instanceof L.CircleMarker && /slmap-uncovered/.test(l.options.className || ''))
      marker = l;
  });
  map.closePopup();
  const size = map.getSize();
  const target = {top: L.point(size.x / 2, 12), right: L.point(size.x - 12, size.y / 2),
                  bottom: L.point(size.x / 2, size.y - 12), left: L.point(12, 12)}[edge];
  map.panBy(map.latLngToContainerPoint(marker.getLatLng()).subtract(target), {animate: false});
  marker.openPopup();
  const r = document.querySelector('.leaflet-popup').getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          text: document.querySelector('.leaflet-popup-content').innerText};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def _pairs_overlapping(rects: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["name"], b["name"])
        for i, a in enumerate(rects)
        for b in rects[i + 1 :]
        if _overlap(a, b)
    ]


def _inside(r: dict, width: float, height: float) -> bool:
    return r["left"] >= 0 and r["top"] >= 0 and r["right"] <= width and r["bottom"] <= height


@pytest.fixture(scope="module")
def sample_page(sample_model, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("layout") / "sample.html"
    path.write_text(render_html(sample_model), encoding="utf-8")
    return path


MAX_ZOOM = """() => { const m = window.slmapMap; m.setZoom(30, {animate: false});
  return [m.getMaxZoom(), m.getZoom()]; }"""


def _tap_search(page, touch: bool) -> dict:
    """The controls as first drawn, then a tap (or click) at the search box's centre."""
    seen = {"rects": page.evaluate(CONTROL_RECTS)}
    box = page.locator(".slmap-search input").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    seen["at_centre"] = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y) === "
        "document.querySelector('.slmap-search input')",
        [cx, cy],
    )
    (page.touchscreen.tap if touch else page.mouse.click)(cx, cy)
    seen["focused"] = page.evaluate(
        "document.activeElement === document.querySelector('.slmap-search input')"
    )
    seen["layers_before"] = page.locator(".leaflet-control-layers-selector:checked").count()
    return seen


def _open_legend(page) -> dict:
    """Unfold the legend where it is folded (a phone); where its rows are."""
    seen = {}
    toggle = page.locator(".slmap-legend-toggle")
    seen["toggle_visible"] = toggle.is_visible()
    if seen["toggle_visible"]:
        tb = toggle.bounding_box()
        seen["toggle_size"] = (tb["width"], tb["height"])
        page.touchscreen.tap(tb["x"] + tb["width"] / 2, tb["y"] + tb["height"] / 2)
    rows = page.locator(".slmap-legend .slmap-row")
    seen["legend_rows"] = [rows.nth(i).bounding_box() for i in range(rows.count())]
    seen["rects_legend_open"] = page.evaluate(CONTROL_RECTS)
    return seen


def _popups_at_edges(page) -> dict:
    """A village popup opened at each edge of the map, with the controls beside it."""
    popups = {}
    for edge in ("top", "right", "bottom", "left"):
        popups[edge] = page.evaluate(POPUP_AT_EDGE, edge)
        popups[edge]["rects"] = page.evaluate(CONTROL_RECTS)
    return popups


def _assert_controls(seen: dict, width: int, height: int) -> None:
    rects = seen["rects"]
    assert len(rects) >= 6, rects
    assert _pairs_overlapping(rects) == []
    assert all(_inside(r, width, height) for r in rects), rects
    assert seen["at_centre"] and seen["focused"]
    # the tap on the search box switched no layer off
    assert seen["layers_before"] == 5
    if width < 700:
        assert seen["toggle_visible"] and min(seen["toggle_size"]) >= 32
        # the layer switcher is folded to its button on a phone
        layers = [r for r in rects if "leaflet-control-layers" in r["name"]]
        assert layers and all(r["right"] - r["left"] <= 60 for r in layers)
    else:
        assert not seen["toggle_visible"]


def _assert_legend(seen: dict, width: int, height: int) -> None:
    legend_rows = [r for r in seen["legend_rows"] if r is not None]
    assert len(legend_rows) >= 8
    for row in legend_rows:
        assert row["x"] >= 0 and row["y"] >= 0
        assert row["x"] + row["width"] <= width and row["y"] + row["height"] <= height


def _assert_popups(seen: dict, width: int, height: int) -> None:
    for edge, popup in seen["popups"].items():
        assert popup["text"], edge
        assert _inside(popup, width, height), (edge, popup)
        blocking = [r for r in popup["rects"] if _overlap(popup, r)]
        assert blocking == [], (edge, blocking)


@pytest.mark.parametrize(("width", "height", "touch"), SIZES)
def test_controls_search_legend_popups_at_each_size(
    browser_ready, sample_page, width, height, touch
) -> None:
    def action(page):
        seen = _tap_search(page, touch) | _open_legend(page)
        seen["popups"] = _popups_at_edges(page)
        seen["max_zoom"] = page.evaluate(MAX_ZOOM)
        return seen

    shot = ARTIFACTS / f"layout_{width}x{height}.png"
    seen, report = open_map(
        sample_page, action, screenshot=shot, viewport=(width, height), touch=touch
    )
    assert_clean(report)
    _assert_controls(seen, width, height)
    _assert_legend(seen, width, height)
    _assert_popups(seen, width, height)
    assert seen["max_zoom"] == [16, 16]


def test_touch_targets_are_at_least_32_px(browser_ready, tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(synthetic_model()), encoding="utf-8")

    def action(page):
        spots = page.evaluate(
            """() => {
              const map = window.slmapMap, out = [];
              map.eachLayer((l) => {
                if (l instanceof L.CircleMarker && /slmap-(un)?covered/.test(l.options.className))
                  { const p = map.latLngToContainerPoint(l.getLatLng());
                    out.push({x: p.x, y: p.y, r: l.getRadius()}); }
              });
              const c = map.getContainer().getBoundingClientRect();
              return {spots: out, left: c.left, top: c.top};
            }"""
        )
        found = []
        for spot in spots["spots"]:
            x, y = spots["left"] + spot["x"] + 14, spots["top"] + spot["y"]
            page.evaluate("window.slmapMap.closePopup()")
            page.wait_for_function("!document.querySelector('.leaflet-popup')")
            page.touchscreen.tap(x, y)
            found.append((spot["r"], page.locator(".leaflet-popup-content").count()))
        return found

    found, report = open_map(path, action, viewport=(390, 844), touch=True)
    assert_clean(report)
    assert len(found) == 10
    # every drawn dot is smaller than 14 px in radius, yet a tap 14 px off its centre opens it
    assert all(radius < 14 for radius, _ in found)
    assert [opened for _, opened in found] == [1] * 10


def test_keyboard_slash_escape_and_skip_link(browser_ready, tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(synthetic_model()), encoding="utf-8")

    def action(page):
        seen = {}
        page.keyboard.press("Tab")
        seen["first_tab"] = page.evaluate("document.activeElement.className")
        page.keyboard.press("Enter")
        seen["skip_focus"] = page.evaluate("document.activeElement.id")
        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("/")
        seen["slash_focus"] = page.evaluate("document.activeElement.id")
        page.keyboard.type("ban")
        seen["results"] = page.locator(".slmap-search li.slmap-result").count()
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        seen["after_escape"] = page.locator(".slmap-search li").count()
        page.locator(".slmap-search input").fill("pung")
        page.locator(".slmap-search li.slmap-result").first.click()
        seen["popup"] = page.locator(".leaflet-popup").count()
        page.keyboard.press("Escape")
        page.wait_for_timeout(400)  # a closed popup fades out for 200 ms
        seen["popup_after"] = page.locator(".leaflet-popup").count()
        return seen

    seen, report = open_map(path, action)
    assert_clean(report)
    assert seen["first_tab"] == "slmap-skip"
    assert seen["skip_focus"] == "slmap-search-input" == seen["slash_focus"]
    assert seen["results"] >= 5 and seen["after_escape"] == 0
    assert seen["popup"] == 1 and seen["popup_after"] == 0


PRINT_STATE = """() => {
  const map = window.slmapMap, box = map.getContainer();
  const side = document.querySelector('.slmap-print-side');
  const c = box.getBoundingClientRect();
  const rect = (n) => { if (!n) return null; const r = n.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? {left: r.left, top: r.top, right: r.right,
                                          bottom: r.bottom} : null; };
  const b = window.slmapLayers.communes.getBounds();
  const nw = map.latLngToContainerPoint(b.getNorthWest());
  const se = map.latLngToContainerPoint(b.getSouthEast());
  const visible = (sel) => Array.from(document.querySelectorAll(sel)).some((n) => {
    const r = n.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const sample = document.querySelector('.slmap-sample');
  const st = sample && getComputedStyle(sample);
  return {
    side: rect(side),
    map: {left: c.left, top: c.top, right: side ? side.getBoundingClientRect().left : c.right,
          bottom: c.bottom},
    province: {left: c.left + nw.x, top: c.top + nw.y, right: c.left + se.x,
               bottom: c.top + se.y},
    controls: {zoom: visible('.leaflet-control-zoom'), search: visible('.slmap-search'),
               layers: visible('.leaflet-control-layers'), skip: visible('.slmap-skip')},
    beside: {title: rect(document.querySelector('.slmap-title')),
             legend: rect(document.querySelector('.slmap-legend')),
             scale: rect(document.querySelector('.leaflet-control-scale')),
             north: rect(document.querySelector('.slmap-north'))},
    sample: sample ? {text: sample.innerText, rect: rect(sample), color: st.color,
                      border: st.borderTopWidth} : null,
    zoom: map.getZoom(),
  };
}"""


def test_print_layout_and_pdf(browser_ready, sample_page, tmp_path: Path) -> None:
    pdf = tmp_path / "map.pdf"

    def action(page):
        screen_zoom = page.evaluate("window.slmapMap.getZoom()")
        page.emulate_media(media="print")
        page.wait_for_function("document.querySelector('.slmap-print-side') !== null")
        printed = page.evaluate(PRINT_STATE)
        page.screenshot(path=str(ARTIFACTS / "layout_print.png"))
        page.emulate_media(media="screen")
        page.wait_for_function("document.querySelector('.slmap-print-side') === null")
        restored = page.evaluate(PRINT_STATE)
        page.pdf(path=str(pdf), format="A4", landscape=True)
        return screen_zoom, printed, restored

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (screen_zoom, printed, restored), report = open_map(sample_page, action, viewport=(1123, 794))
    assert_clean(report)
    assert printed["controls"] == {"zoom": False, "search": False, "layers": False, "skip": False}
    area, province = printed["map"], printed["province"]
    assert area["right"] - area["left"] > 600
    assert province["left"] >= area["left"] and province["right"] <= area["right"]
    assert province["top"] >= area["top"] and province["bottom"] <= area["bottom"]
    for name, rect in printed["beside"].items():
        assert rect is not None, name
        assert rect["left"] >= area["right"], (name, rect, area)
    sample = printed["sample"]
    assert "DỮ LIỆU MẪU" in sample["text"] and sample["rect"] is not None
    # legible without background graphics: dark text and a border, not just a coloured box
    assert sample["border"] != "0px"
    rgb = [int(v) for v in re.findall(r"\d+", sample["color"])[:3]]
    assert sum(rgb) < 3 * 160, sample["color"]
    # leaving print restores the screen view and controls
    assert restored["side"] is None and restored["controls"]["search"]
    assert restored["zoom"] == screen_zoom

    data = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "DỮ LIỆU MẪU" in text
        assert "Tìm bản" not in text  # the search box is not printed


def test_canvas_map_communes_and_villages_clickable(
    browser_ready, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_data, "CANVAS_COMMUNES", 0)
    path = tmp_path / "canvas.html"
    path.write_text(render_html(synthetic_model()), encoding="utf-8")

    def action(page):
        seen = {"canvases": page.locator("canvas").count()}
        page.evaluate(
            "window.slmapMap.setZoom(Math.max(window.slmapMap.getZoom(), 9), {animate: false})"
        )
        where = """() => {
              const map = window.slmapMap, c = map.getContainer().getBoundingClientRect();
              const out = {villages: []};
              map.eachLayer((l) => {
                if (l instanceof L.CircleMarker) {
                  const p = map.latLngToContainerPoint(l.getLatLng());
                  out.villages.push({x: c.left + p.x, y: c.top + p.y,
                                     cls: l.options.className});
                }
              });
              // a point of commune 04002 (north-west cell) far from its villages
              const p = map.latLngToContainerPoint([21.98, 103.52]);
              out.commune = {x: c.left + p.x, y: c.top + p.y};
              return out;
            }"""
        spots = page.evaluate(where)
        page.mouse.click(spots["commune"]["x"], spots["commune"]["y"])
        seen["commune_popup"] = page.locator(".leaflet-popup-content").inner_text()
        seen["villages"] = []
        for i in range(len(spots["villages"])):
            page.evaluate("window.slmapMap.closePopup()")
            page.wait_for_function("!document.querySelector('.leaflet-popup')")
            # an open popup pans the map clear of the controls: measure again
            spot = page.evaluate(where)["villages"][i]
            page.mouse.click(spot["x"], spot["y"])
            popups = page.locator(".leaflet-popup-content")
            seen["villages"].append((spot["cls"], popups.inner_text() if popups.count() else ""))
        return seen

    seen, report = open_map(path, action)
    assert_clean(report)
    assert seen["canvases"] >= 1
    assert "Xã Đồng Kết" in seen["commune_popup"]
    covered = [text for cls, text in seen["villages"] if "slmap-covered" in cls]
    uncovered = [text for cls, text in seen["villages"] if "slmap-uncovered" in cls]
    assert len(covered) == 6 and len(uncovered) == 4
    assert all(text.startswith("Bản") or "<" in text for text in covered + uncovered), [
        (c, t[:20]) for c, t in seen["villages"]
    ]
    assert all(text for text in covered + uncovered), seen["villages"]
