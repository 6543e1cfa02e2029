"""Answers on the map itself, offline: summary, ranking, commune lists, CSV, share link,
my location and search, checked in headless Chromium against the CLI's answers."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from _browser import ARTIFACTS, assert_clean, open_map
from slmap.cli import cli
from slmap.model.ranking import priority_ranking

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample_page(browser_ready, sample_model, tmp_path_factory) -> Path:
    from slmap.page.render import render_html

    path = tmp_path_factory.mktemp("answers") / "son_la.html"
    path.write_text(render_html(sample_model), encoding="utf-8")
    return path


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_summary_panel_says_what_stats_says(sample_page, upstream_env):
    province = json.loads(_cli("stats", "--level", "province", "--format", "json"))["province"][0]

    def action(page):
        page.locator(".slmap-answers-toggle").click()
        return page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('[data-figure]')]
                .map(e => [e.dataset.figure, e.innerText]))"""
        )

    shown, report = open_map(sample_page, action, screenshot=ARTIFACTS / "answers.png")
    assert_clean(report)

    def vi_int(value) -> str:
        return f"{int(value):,}".replace(",", ".")

    assert shown["villages"] == vi_int(province["villages"])
    assert shown["villages_no_mbb"] == vi_int(province["villages_no_mbb"])
    assert shown["households_no_mbb"] == vi_int(province["households_no_mbb"])
    assert shown["population_no_mbb"] == vi_int(province["population_no_mbb"])
    assert shown["share_4g"] == f"{province['share_4g']:.2f} %".replace(".", ",")
    assert shown["fibre_hh_share"] == f"{province['fibre_hh_share']:.2f} %".replace(".", ",")


def test_csv_download_is_the_query_csv(sample_page, upstream_env, tmp_path):
    expected = pd.read_csv(io.StringIO(_cli("query", "uncovered", "--format", "csv")), dtype=str)

    def action(page):
        page.locator(".slmap-answers-toggle").click()
        with page.expect_download() as info:
            page.locator(".slmap-csv").click()
        target = tmp_path / "page.csv"
        info.value.save_as(target)
        return target.read_bytes()

    data, report = open_map(sample_page, action)
    assert_clean(report)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    got = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    assert len(got) == 123 and list(got.columns) == list(expected.columns)
    assert got.village_id.tolist() == expected.village_id.tolist()
    assert got.village_name.tolist() == expected.village_name.tolist()


def test_commune_popup_lists_its_villages_by_priority(sample_page, sample_model):
    ranked = priority_ranking(sample_model)
    top = sample_model.communes.sort_values("villages_no_mbb", ascending=False, kind="stable")
    code = top.index[0]
    mine = ranked[ranked.commune_code == code].village_name.tolist()

    def action(page):
        page.locator(".slmap-answers-toggle").click()
        page.locator(".slmap-bar").first.click()
        page.wait_for_selector(".slmap-village-list")
        names = page.locator(".slmap-village-list tr td:nth-child(2)").all_inner_texts()
        return names, page.evaluate("() => location.hash")

    (names, fragment), report = open_map(sample_page, action)
    assert_clean(report)
    assert names == mine[:12] and len(names) == min(12, len(mine))
    assert f"c={code}" in fragment


def test_share_link_restores_view_and_village(sample_page, sample_model):
    village = sample_model.villages[~sample_model.villages.mobile_broadband].iloc[0]
    fragment = f"#map=13.00/{village.lat:.5f}/{village.lon:.5f}&v={village.village_id}"

    def action(page):
        page.wait_for_selector(".leaflet-popup-content")
        return {
            "zoom": page.evaluate("() => window.slmapMap.getZoom()"),
            "popup": page.locator(".leaflet-popup-content").inner_text(),
            "hash": page.evaluate("() => location.hash"),
        }

    seen, report = open_map(sample_page, action, fragment=fragment)
    assert_clean(report)
    assert seen["zoom"] == 13 and village.village_name in seen["popup"]
    assert f"v={village.village_id}" in seen["hash"]


def test_my_location_finds_the_nearest_uncovered_village(sample_page, sample_model):
    uncovered = sample_model.villages[~sample_model.villages.mobile_broadband]
    lat, lon = 21.05, 104.1

    def km(row) -> float:
        p1, p2 = math.radians(lat), math.radians(row.lat)
        dp, dl = p2 - p1, math.radians(row.lon - lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 6371.0 * 2 * math.asin(math.sqrt(a))

    nearest = min(uncovered.itertuples(), key=km)

    def action(page):
        page.locator(".slmap-answers-toggle").click()
        page.locator(".slmap-locate").click()
        page.wait_for_function(
            "() => document.querySelector('.slmap-locate-status').innerText.length > 0"
        )
        return page.locator(".slmap-locate-status").inner_text()

    context = {"geolocation": {"latitude": lat, "longitude": lon}, "permissions": ["geolocation"]}
    status, report = open_map(sample_page, action, context=context)
    assert_clean(report)
    assert nearest.village_name in status


def test_search_finds_former_districts_and_village_codes(sample_page, sample_model):
    village = sample_model.villages.iloc[5]

    def search(page, text):
        box = page.locator(".slmap-search input")
        box.fill("")
        box.fill(text)
        return page.locator(".slmap-search li").all_inner_texts()

    def action(page):
        return {
            "district": search(page, "huyen yen chau"),
            "code": search(page, village.village_id),
            "many": search(page, "ban"),
        }

    seen, report = open_map(sample_page, action)
    assert_clean(report)
    assert any("Yên Châu" in r for r in seen["district"])
    assert any(village.village_name in r for r in seen["code"])
    assert len(seen["many"]) == 16 and "…" in seen["many"][-1]  # 15 shown, then "more"


def test_legend_follows_the_layers_switched_on(sample_page):
    def visible(page):
        return page.evaluate(
            """() => [...document.querySelectorAll('.slmap-legend [data-layer]')]
                .filter(r => r.getClientRects().length > 0).map(r => r.dataset.layer)"""
        )

    def action(page):
        before = visible(page)
        label = page.locator(".leaflet-control-layers-overlays label", has_text="(123)")
        label.locator("input").uncheck()
        after = visible(page)
        label.locator("input").check()
        return before, after, visible(page)

    (before, after, again), report = open_map(sample_page, action)
    assert_clean(report)
    assert "uncovered" in before and "uncovered" not in after and "covered" in after
    assert sorted(again) == sorted(before)


@pytest.mark.parametrize("viewport", [(1440, 900), (1024, 768), (390, 844)])
def test_opened_panel_overlaps_no_control(sample_page, viewport):
    def action(page):
        page.locator(".slmap-answers-toggle").click()
        return page.evaluate(
            """() => {
                const boxes = [...document.querySelectorAll('.leaflet-control, .slmap-title')]
                    .filter(e => e.offsetParent !== null)
                    .map(e => [e.className, e.getBoundingClientRect()]);
                const hit = [];
                const panel = document.querySelector('.slmap-answers').getBoundingClientRect();
                for (const [name, r] of boxes) {
                    if (name.includes('slmap-answers')) continue;
                    if (r.left < panel.right && panel.left < r.right &&
                        r.top < panel.bottom && panel.top < r.bottom) hit.push(name);
                }
                return hit;
            }"""
        )

    hits, report = open_map(sample_page, action, viewport=viewport, touch=viewport[0] < 700)
    assert_clean(report)
    assert hits == []


def test_every_village_symbol_drawn_has_a_legend_row(sample_page):
    def action(page):
        return page.evaluate(
            """() => {
                const drawn = new Set();
                const marks = 'path.slmap-uncovered, path.slmap-covered';
                for (const el of document.querySelectorAll(marks)) {
                    const c = el.classList;
                    const layer = c.contains('slmap-uncovered') ? 'uncovered' : 'covered';
                    const where = c.contains('slmap-estimated') ? 'estimated' : 'surveyed';
                    drawn.add(layer + '/' + where);
                }
                const rows = {};
                for (const r of document.querySelectorAll('.slmap-legend [data-layer]')) {
                    rows[r.dataset.layer] = (rows[r.dataset.layer] || 0) + 1;
                }
                return {drawn: [...drawn], rows: rows};
            }"""
        )

    seen, report = open_map(sample_page, action)
    assert_clean(report)
    assert sorted(seen["drawn"]) == ["covered/estimated", "covered/surveyed",
                                     "uncovered/estimated", "uncovered/surveyed"]  # fmt: skip
    assert seen["rows"]["uncovered"] == 2 and seen["rows"]["covered"] == 2
