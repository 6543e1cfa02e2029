"""Maps of older layouts and change maps, opened in headless Chromium (network blocked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from _browser import ARTIFACTS, assert_clean, open_map, page_counts
from slmap.cli import cli

pytestmark = pytest.mark.browser


def _map(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["map", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_2023_layout_map_draws_204_communes(browser_ready, upstream_env, shared_geodata, tmp_path):
    gadm = shared_geodata / "son_la" / "communes_204_gadm41.geojson"
    old = _map(tmp_path, "old.html", "--layout", "2023", "--boundaries", str(gadm))
    seen, report = open_map(old, page_counts, screenshot=ARTIFACTS / "son_la_2023.png")
    assert_clean(report)
    assert seen["communes"] == 204 and seen["uncovered"] == 123
    new = _map(tmp_path, "new.html")
    seen, report = open_map(new, page_counts)
    assert_clean(report)
    assert seen["communes"] == 75 and seen["uncovered"] == 123


def test_change_map_offline(browser_ready, upstream_env, tmp_path):
    path = _map(tmp_path, "change.html", "--before", "sample")

    def action(page):
        return page.evaluate(
            """() => ({
                newly: document.querySelectorAll('path.slmap-newly-covered').length,
                still: document.querySelectorAll('path.slmap-uncovered').length,
                lost: document.querySelectorAll('path.slmap-newly-uncovered').length,
                legend: [...document.querySelectorAll('.slmap-legend .slmap-row')]
                    .map(r => r.innerText).join('|'),
                layers: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
                    .map(r => r.innerText).join('|'),
            })"""
        )

    seen, report = open_map(path, action, screenshot=ARTIFACTS / "son_la_change.png")
    assert_clean(report)
    assert (seen["newly"], seen["still"], seen["lost"]) == (93, 123, 0)
    for label in ("mới có băng rộng di động (93)", "vẫn chưa có băng rộng di động (123)",
                  "mới mất băng rộng di động (0)"):  # fmt: skip
        assert label in seen["legend"] and label in seen["layers"]
