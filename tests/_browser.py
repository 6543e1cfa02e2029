"""Helpers for the map tests: a small synthetic model and a headless browser.

The synthetic model follows the contract's columns (communes, villages,
districts, province, provenance) and includes hostile village names, so the
render and browser tests can run without ../shared/geodata.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from slmap.base.schema import signal_flags

CHROMIUM = os.environ.get("SLMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "<script>alert(1)</script>"
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"


def in_ci() -> bool:
    """True when running under CI (env CI set to a true value)."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    """Path of the Chromium binary, or None."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@dataclass
class FakeModel:
    """Just the attributes of CoverageModel that render uses."""

    communes: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame | None
    province: gpd.GeoDataFrame | None
    provenance: Any
    problems: list = field(default_factory=list)


def _flags(signal: str) -> dict[str, bool]:
    """The product's broadband rule for one signal (never re-implemented here)."""
    return signal_flags(pd.Series([signal])).iloc[0].to_dict()


def synthetic_model(*, sample: bool = True, approximate: bool = False) -> FakeModel:
    """Four communes in a 2x2 grid (one without data), ten villages, two districts."""
    names = ["Xã Mường La", "Phường Tô Hiệu", "Xã Đồng Kết", "Xã Chiềng Ơn"]
    codes = ["04000", "04001", "04002", "04003"]
    cells = [
        box(103.5, 21.0, 104.0, 21.5),
        box(104.0, 21.0, 104.5, 21.5),
        box(103.5, 21.5, 104.0, 22.0),
        box(104.0, 21.5, 104.5, 22.0),
    ]
    district = ["Huyện Mường La", "Huyện Mường La", "Thành phố Sơn La", "Thành phố Sơn La"]
    village_rows = [
        # name, commune index, signal, estimated
        ("Bản Nà Tấu", 0, "none", False),
        (EVIL_IMG, 0, "2g", False),
        (EVIL_SCRIPT, 1, "none", True),
        ("Bản Đông Sang", 1, "4g", False),
        ("Bản Mường Chiên", 2, "none", True),
        ("Bản Púng", 2, "4g", True),
        ("Bản Huổi Một", 0, "3g", False),
        ("Bản Lướt", 1, "4g", False),
        ("Bản Co Sâu", 2, "5g", False),
        ("Bản Pá Ban", 0, "4g", True),
    ]
    rng = np.random.default_rng(7)
    rows = []
    for i, (name, ci, signal, estimated) in enumerate(village_rows):
        x0, y0, x1, y1 = cells[ci].bounds
        lon, lat = rng.uniform(x0 + 0.05, x1 - 0.05), rng.uniform(y0 + 0.05, y1 - 0.05)
        rows.append(
            {
                "village_id": f"V{i:03d}",
                "village_name": name,
                "commune_code": codes[ci],
                "commune_name": names[ci],
                "commune_code_old": pd.NA,
                "district_code": "119",
                "district_name": district[ci],
                "households": 40 + 7 * i,
                "population": 1200 + 50 * i,
                "mobile_signal": signal,
                **_flags(signal),
                "fibre": [True, False, pd.NA][i % 3],
                "fibre_households": pd.NA,
                "grid_power": [True, pd.NA][i % 2],
                "location_estimated": estimated,
                "lon": lon,
                "lat": lat,
                "geometry": Point(lon, lat),
            }
        )
    villages = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    for col in ("households", "population", "fibre_households"):
        villages[col] = villages[col].astype("Int64")
    for col in ("fibre", "grid_power"):
        villages[col] = villages[col].astype("boolean")
    stats = villages.groupby("commune_code").agg(
        villages=("village_id", "size"),
        villages_no_mbb=("mobile_broadband", lambda s: int((~s).sum())),
        villages_4g=("has_4g", "sum"),
    )
    communes = gpd.GeoDataFrame(
        {
            "commune_code": codes,
            "commune_name": names,
            "commune_type": ["Xã", "Phường", "Xã", "Xã"],
            "province_code": "14",
            "province_name": "Sơn La",
            "district_code": "119",
            "district_name": district,
            "approximate": approximate,
            "geometry": cells,
        },
        geometry="geometry",
        crs=4326,
    ).set_index("commune_code", drop=False)
    communes.index.name = None
    communes = communes.join(stats)
    communes["villages"] = communes["villages"].fillna(0).astype(int)
    communes["villages_no_mbb"] = communes["villages_no_mbb"].fillna(0).astype(int)
    communes["share_4g"] = np.where(
        communes["villages"] > 0, 100 * communes["villages_4g"] / communes["villages"], np.nan
    )
    communes["pop_4g_share"] = [93.5, 97.25, np.nan, np.nan]
    communes["fibre_hh_share"] = [38.56, np.nan, 12.0, np.nan]
    districts = gpd.GeoDataFrame(
        {
            "district_code": ["119", "116"],
            "district_name": ["Huyện Mường La", "Thành phố Sơn La"],
            "geometry": [box(103.5, 21.0, 104.5, 21.5), box(103.5, 21.5, 104.5, 22.0)],
        },
        geometry="geometry",
        crs=4326,
    )
    province = gpd.GeoDataFrame(
        {
            "province_code": ["14"],
            "province_name": ["Sơn La"],
            "geometry": [box(103.5, 21.0, 104.5, 22.0)],
        },
        geometry="geometry",
        crs=4326,
    )
    provenance = SimpleNamespace(
        boundaries="synthetic grid",
        register="synthetic <b>register</b>",
        layout="2025",
        sample=sample,
        approximate=approximate,
        data_date="2023-12-31",
        province_codes=("14",),
    )
    return FakeModel(communes, villages, districts, province, provenance)


@dataclass
class PageReport:
    """What a browser run of a map saw."""

    requests: list[str]
    blocked: list[str]
    failed: list[str]
    console_errors: list[str]
    dialogs: list[str]
    page_errors: list[str]


def open_map(
    page_path: Path,
    action,
    screenshot: Path | None = None,
    *,
    viewport: tuple[int, int] = (1400, 1000),
    touch: bool = False,
    context: dict | None = None,
    fragment: str = "",
) -> tuple[Any, PageReport]:
    """Open ``page_path`` in headless Chromium with the network blocked.

    ``action(page)`` runs once the map signals ``window.slmapReady``; its
    result is returned with a :class:`PageReport` of everything attempted.
    ``viewport`` is (width, height) in CSS pixels; ``touch`` emulates a phone
    (touch screen, mobile meta viewport, coarse pointer). ``context`` adds
    Playwright context options (geolocation, permissions...); ``fragment`` is
    appended to the page's URL (a share link's ``#...``).
    """
    from playwright.sync_api import sync_playwright

    report = PageReport([], [], [], [], [], [])

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            report.blocked.append(url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            options = {
                "viewport": {"width": viewport[0], "height": viewport[1]},
                "has_touch": touch,
                "is_mobile": touch,
                **(context or {}),
            }
            ctx = browser.new_context(**options)
            ctx.route("**/*", route)
            page = ctx.new_page()
            page.on("request", lambda req: report.requests.append(req.url))
            page.on("requestfailed", lambda req: report.failed.append(req.url))
            page.on(
                "console",
                lambda msg: report.console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.on("pageerror", lambda exc: report.page_errors.append(str(exc)))

            def on_dialog(dialog):
                report.dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(page_path.resolve().as_uri() + fragment)
            page.wait_for_function("window.slmapReady === true", timeout=30_000)
            result = action(page)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    return result, report


def assert_clean(report: PageReport) -> None:
    assert report.blocked == [], f"network requests attempted: {report.blocked}"
    assert report.failed == [], f"failed requests: {report.failed}"
    assert all(url.startswith(("file:", "data:")) for url in report.requests), report.requests
    assert report.console_errors == [], report.console_errors
    assert report.page_errors == [], report.page_errors
    assert report.dialogs == [], f"a dialog fired: {report.dialogs}"


def page_counts(page) -> dict[str, int]:
    return page.evaluate(
        """() => ({
            communes: document.querySelectorAll('path.slmap-commune').length,
            uncovered: document.querySelectorAll('path.slmap-uncovered').length,
            estimated: document.querySelectorAll('path.slmap-uncovered.slmap-estimated').length,
            covered: document.querySelectorAll('path.slmap-covered').length,
            legend: document.querySelectorAll('.slmap-legend .slmap-row').length,
            nodata: document.querySelectorAll('.slmap-legend .slmap-swatch-nodata').length,
            layers: document.querySelectorAll('.leaflet-control-layers-overlays label').length,
            scale: document.querySelectorAll('.leaflet-control-scale').length,
            title: (document.querySelector('.slmap-title') || {}).innerText || '',
            animating: document.querySelectorAll('.leaflet-zoom-anim').length,
        })"""
    )


def require_chromium() -> None:
    """Skip when Chromium or Playwright is missing; fail instead under CI."""
    from _env import in_ci

    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright Python package is not installed"
    if problem is None and chromium_path() is None:
        problem = "Chromium not found (/usr/bin/chromium; apt-get install chromium)"
    if problem:
        if in_ci():
            pytest.fail(problem + " (required under CI)")
        pytest.skip(problem)
