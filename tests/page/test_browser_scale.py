"""The page with many villages: grid-indexed layers, reused markers, the search index.

Synthetic communes (a 20 x 15 grid of 0.2° squares) and 50,000 synthetic villages:
both village layers are drawn only from a zoom level up, inside the view. After
pans at zoom 11 every village in view has a marker, none far outside it, covered
villages stay under uncovered ones on the canvas; the search box ranks and counts
exactly as the rule it has always followed (words first, then communes and
districts, names, codes, each in folded order), checked against that rule
written again here in Python.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from _browser import assert_clean, open_map
from slmap.base.schema import signal_flags
from slmap.page.render import render_html
from slmap.page.search import search_fold

pytestmark = pytest.mark.browser

SYLLABLES = [
    "Nà",
    "Huổi",
    "Pá",
    "Co",
    "Phiêng",
    "Noong",
    "Hua",
    "Lọng",
    "Tà",
    "Púng",
    "Đông",
    "Kéo",
    "Mòn",
    "Sẳng",
    "Lướt",
    "Hin",
    "Bó",
]
X0, Y0, NX, NY, SIDE = 103.0, 20.0, 20, 15, 0.2


def fold(text: str) -> str:
    """The page's accent folding (slmapFold), for the expected results."""
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not "\u0300" <= c <= "\u036f")
    text = text.replace("\u0111", "d").replace("\u0110", "D").lower()
    return re.sub(r"\s+", " ", text).strip()


def scale_model(n: int, seed: int = 3) -> SimpleNamespace:
    """``n`` villages over a grid of communes; about half without mobile broadband."""
    rng = np.random.default_rng(seed)
    cells = [(i, j) for j in range(NY) for i in range(NX)]
    codes = [f"9{k:04d}" for k in range(len(cells))]
    communes = gpd.GeoDataFrame(
        {
            "commune_code": codes,
            "commune_name": [f"Xã {SYLLABLES[k % 17]} {k}" for k in range(len(cells))],
            "district_name": [f"Huyện {SYLLABLES[(k // 40) % 17]} Lớn" for k in range(len(cells))],
            "geometry": [
                box(X0 + i * SIDE, Y0 + j * SIDE, X0 + (i + 1) * SIDE, Y0 + (j + 1) * SIDE)
                for i, j in cells
            ],
        },
        crs=4326,
    ).set_index("commune_code", drop=False)
    communes.index.name = None
    k = rng.integers(0, len(cells), n)
    names = np.array(SYLLABLES, dtype=object)
    signal = rng.choice(["none", "2g", "4g", "5g"], n, p=[0.3, 0.2, 0.4, 0.1])
    villages = pd.DataFrame(
        {
            "village_id": [f"T{i:06d}" for i in range(n)],
            "village_name": "Bản "
            + names[rng.integers(0, 17, n)]
            + " "
            + names[rng.integers(0, 17, n)]
            + " "
            + rng.integers(1, 60, n).astype(str),
            "commune_code": np.array(codes)[k],
            "commune_name": communes["commune_name"].to_numpy()[k],
            "district_name": communes["district_name"].to_numpy()[k],
            "households": rng.integers(10, 200, n),
            "population": rng.integers(50, 900, n),
            "mobile_signal": signal,
            "location_estimated": rng.random(n) < 0.4,
            "lon": np.round(X0 + (np.array([cells[c][0] for c in k]) + rng.random(n)) * SIDE, 5),
            "lat": np.round(Y0 + (np.array([cells[c][1] for c in k]) + rng.random(n)) * SIDE, 5),
        }
    )
    villages = pd.concat([villages, signal_flags(villages["mobile_signal"])], axis=1)
    stats = villages.groupby("commune_code").agg(
        villages=("village_id", "size"),
        villages_no_mbb=("mobile_broadband", lambda s: int((~s).sum())),
    )
    communes = communes.join(stats)
    provenance = SimpleNamespace(
        boundaries="synthetic grid", register="synthetic", layout="2025", sample=True,
        approximate=False, data_date="2025-07-01", province_codes=("14",),
    )  # fmt: skip
    return SimpleNamespace(
        communes=communes, villages=villages, districts=None, province=None, provenance=provenance
    )


def expected_search(model: SimpleNamespace, text: str, ids: bool) -> tuple[list[str], int]:
    """(names shown, number found) by the search rule, for ``text`` typed."""
    q = fold(text)
    qs = q.replace(" ", "")
    entries = [(0, fold(n), n) for n in model.communes["commune_name"]]
    entries += [(0, fold(n), n) for n in dict.fromkeys(model.communes["district_name"])]
    v = model.villages
    for part in (v[~v["mobile_broadband"]], v[v["mobile_broadband"]]):
        for vid, name in zip(part["village_id"], part["village_name"], strict=True):
            if ids:
                entries.append((2, fold(vid), f"{name} ({vid})"))
            entries.append((1, fold(name), name))
    entries.sort(key=lambda e: (e[0], e[1]))  # stable: ties keep the page's order
    found = [e for e in entries if qs in e[1].replace(" ", "")]
    starts = [e for e in found if f" {q}" in f" {e[1]}"]
    ordered = starts + [e for e in found if f" {q}" not in f" {e[1]}"]
    return [e[2] for e in ordered[:15]], len(found)


SEARCH = """(text) => {
  const input = document.querySelector(".slmap-search input");
  input.value = text;
  input.dispatchEvent(new Event("input"));
  const more = document.querySelector(".slmap-search li.slmap-more");
  return { names: Array.from(document.querySelectorAll(".slmap-search li.slmap-result"))
             .map(li => li.firstChild.textContent),
           more: more ? more.textContent : "" };
}"""

LOADED = """([lat, lon, zoom, pans]) => new Promise(done => {
  const map = window.slmapMap;
  map.setView([lat, lon], zoom, { animate: false });
  pans.forEach(px => map.panBy(px, { animate: false }));
  const seen = {};
  for (const key of ["uncovered", "covered"]) {
    seen[key] = [];
    window.slmapLayers.groups[key].eachLayer(pl => pl.eachLayer(m => seen[key].push(
      [m.getLatLng().lng, m.getLatLng().lat])));
  }
  /* the shared canvas draws in list order: every covered marker before every uncovered one */
  let renderer = null;
  window.slmapLayers.groups.uncovered.eachLayer(pl => pl.eachLayer(m => renderer = m._renderer));
  const order = [];
  for (let o = renderer._drawFirst; o; o = o.next) {
    const cls = o.layer.options.className || "";
    if (cls.includes("slmap-covered")) order.push(0);
    else if (cls.includes("slmap-uncovered")) order.push(1);
  }
  const b = map.getBounds();
  done({ seen: seen, order: order, zoom: map.getZoom(),
         bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] });
})"""


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[SimpleNamespace, Path]:
    model = scale_model(50_000)
    path = tmp_path_factory.mktemp("scale") / "scale.html"
    path.write_text(render_html(model, lang="en"), encoding="utf-8")
    return model, path


def _inside(points: np.ndarray, bounds: list[float], pad: float = 0.0) -> np.ndarray:
    w, s, e, n = bounds
    dx, dy = (e - w) * pad, (n - s) * pad
    return (
        (points[:, 0] >= w - dx)
        & (points[:, 0] <= e + dx)
        & (points[:, 1] >= s - dy)
        & (points[:, 1] <= n + dy)
    )


@pytest.mark.usefixtures("browser_ready")
def test_markers_follow_the_view_at_zoom_11(big_page) -> None:
    model, path = big_page
    v = model.villages
    pans = [[300, 0], [300, 0], [0, -300], [-300, 0], [0, 300]]

    def action(page):
        at_rest = page.evaluate(LOADED, [21.5, 104.9, 11, []])
        return at_rest, page.evaluate(LOADED, [21.5, 104.9, 11, pans])

    (at_rest, moved), report = open_map(path, action)
    assert_clean(report)
    for seen in (at_rest, moved):
        assert seen["zoom"] == 11
        for key, mask in (
            ("uncovered", ~v["mobile_broadband"]),
            ("covered", v["mobile_broadband"]),
        ):
            points = v.loc[mask, ["lon", "lat"]].to_numpy()
            drawn = {tuple(np.round(p, 5)) for p in seen["seen"][key]}
            assert len(drawn) == len(seen["seen"][key])  # one marker a village
            in_view = {tuple(p) for p in points[_inside(points, seen["bounds"])]}
            assert in_view and in_view <= drawn, (key, len(in_view - drawn))
            # nothing beyond the view padded by 0.35 and one grid cell (0.05°)
            near = points[_inside(points, seen["bounds"], 0.35 + 0.05 / 0.5)]
            assert drawn <= {tuple(p) for p in near}
    order = moved["order"]
    assert 0 in order and 1 in order
    assert max(i for i, k in enumerate(order) if k == 0) < order.index(1)


@pytest.mark.usefixtures("browser_ready")
def test_search_ranks_and_counts_as_ever(big_page) -> None:
    model, path = big_page
    v = model.villages
    target = v.loc[v["village_name"].str.contains("Đông"), "village_name"].iloc[7]
    queries = ["b", "dong", "ĐÔNG", target, fold(target), "pa b", "banna", "xa", "huyen", "zzz"]

    def action(page):
        return [page.evaluate(SEARCH, q) for q in queries]

    seen, report = open_map(path, action)
    assert_clean(report)
    for text, got in zip(queries, seen, strict=True):
        names, total = expected_search(model, text, ids=False)
        assert got["names"] == names, text
        more = total - len(names)
        assert re.search(rf"\b{more}\b", got["more"]) if more else not got["more"], text
    assert seen[3]["names"][0] == target == seen[4]["names"][0]


@pytest.mark.usefixtures("browser_ready")
def test_search_finds_village_codes(tmp_path: Path) -> None:
    model = scale_model(12_000, seed=5)  # codes travel with maps of up to 20,000 villages
    model.villages.loc[100, "village_name"] = "Bản\nMới\u00a0 Lạ\t"  # whitespace of every kind
    path = tmp_path / "codes.html"
    path.write_text(render_html(model, lang="en"), encoding="utf-8")
    vid = str(model.villages["village_id"].iloc[4321])
    queries = [vid, vid.lower(), "t0043", "ban ko", "moi la", "n moi"]

    hostile = [
        "  Bản\u00a0\u2003Đông\tSẲNG\u3000",
        unicodedata.normalize("NFD", "Mường Chiên"),
        "ΟΔΟΣ Σ",
        "İstanbul ﬁ ß",
        "a\u0001b\ufeff",
        "\u1e9e\u0130\u212a",
    ]

    def action(page):
        folded = page.evaluate("(xs) => xs.map(x => window.slmapFold(x))", hostile)
        return folded, [page.evaluate(SEARCH, q) for q in queries]

    (folded, seen), report = open_map(path, action)
    assert_clean(report)
    assert folded == [search_fold(text) for text in hostile]  # the page ships these folds
    for text, got in zip(queries, seen, strict=True):
        assert got["names"] == expected_search(model, text, ids=True)[0], text
    assert seen[0]["names"] == [f"{model.villages['village_name'].iloc[4321]} ({vid})"]
    assert seen[4]["names"] == ["Bản\nMới\u00a0 Lạ\t"] == seen[5]["names"]
