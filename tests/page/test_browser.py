"""The map in a real headless Chromium, opened from disk with the network blocked."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from _browser import (
    ARTIFACTS,
    EVIL_IMG,
    EVIL_SCRIPT,
    assert_clean,
    open_map,
    page_counts,
    synthetic_model,
)
from slmap.page.render import render_html

pytestmark = pytest.mark.browser


def _search(page, text: str) -> list[str]:
    box = page.locator(".slmap-search input")
    box.fill("")
    box.fill(text)
    return page.locator(".slmap-search li.slmap-result").all_inner_texts()


def test_synthetic_map_in_browser(browser_ready, tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(synthetic_model(approximate=True)), encoding="utf-8")

    def action(page):
        seen = {"counts": page_counts(page)}
        seen["muong"] = _search(page, "muong")
        seen["nfd"] = _search(page, unicodedata.normalize("NFD", "Mường Chiên"))
        seen["dong"] = _search(page, "dong ket")
        seen["script"] = _search(page, "script")
        page.locator(".slmap-search li.slmap-result").first.click()
        seen["popup_script"] = page.locator(".leaflet-popup-content").last.inner_text()
        seen["img"] = _search(page, "img src")
        page.locator(".slmap-search li.slmap-result").first.click()
        seen["popup_img"] = page.locator(".leaflet-popup-content").last.inner_text()
        seen["injected"] = page.evaluate(
            "document.querySelectorAll('.leaflet-popup-content img, .slmap-search img').length"
        )
        page.locator(".slmap-search input").fill("")
        return seen

    seen, report = open_map(path, action)
    assert_clean(report)
    counts = seen["counts"]
    assert counts["communes"] == 4
    assert counts["uncovered"] == 4 and counts["estimated"] == 2
    assert counts["covered"] == 6
    assert counts["nodata"] == 1 and counts["legend"] >= 5
    assert counts["layers"] == 5 and counts["scale"] == 1
    assert "DỮ LIỆU MẪU" in counts["title"]
    assert "gần đúng" in counts["title"]
    assert any("Mường La" in r for r in seen["muong"])
    assert any("Bản Mường Chiên" in r for r in seen["nfd"])
    assert any("Xã Đồng Kết" in r for r in seen["dong"])
    assert any(EVIL_SCRIPT in r for r in seen["script"])
    assert EVIL_SCRIPT in seen["popup_script"]
    assert EVIL_IMG in seen["popup_img"]
    assert seen["injected"] == 0


@pytest.mark.geodata
def test_sample_map_in_browser(browser_ready, sample_model, tmp_path: Path) -> None:
    path = tmp_path / "son_la.html"
    path.write_text(render_html(sample_model), encoding="utf-8")
    n_uncovered = int((~sample_model.villages["mobile_broadband"].astype(bool)).sum())

    def action(page):
        seen = {"counts": page_counts(page), "muong": _search(page, "muong la")}
        page.locator(".slmap-search input").fill("")
        return seen

    shot = ARTIFACTS / "son_la_coverage.png"
    seen, report = open_map(path, action, screenshot=shot)
    assert_clean(report)
    counts = seen["counts"]
    assert counts["animating"] == 0  # the first view is final when the page says ready
    assert counts["communes"] == len(sample_model.communes) == 75
    assert counts["uncovered"] == n_uncovered == 123
    assert counts["covered"] == len(sample_model.villages) - 123
    assert counts["nodata"] == 1 and counts["legend"] >= 5
    assert "DỮ LIỆU MẪU" in counts["title"]
    assert any("Mường La" in r for r in seen["muong"])
    assert shot.stat().st_size > 10_000
