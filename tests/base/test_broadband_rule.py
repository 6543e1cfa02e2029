"""The broadband rule end to end: a register with every signal, loaded by the product.

3G, 4G and 5G are mobile broadband; 4G and 5G are 4G; 2G, "trắng sóng" and
"Không có sóng" are neither. The register goes through the real reading,
validation, joining and measuring code (approximate boundaries, offline).
"""

from __future__ import annotations

import pytest

from slmap.model import load_coverage, query

# village_id, signal as written, commune, households, population, parsed, broadband, 4G
ROWS = [
    ("T01", "3G", "03646", 10, 40, "3g", True, False),
    ("T02", "LTE", "03646", 20, 80, "4g", True, True),
    ("T03", "2G", "03646", 30, 120, "2g", False, False),
    ("T04", "trắng sóng", "03646", 40, 160, "none", False, False),
    ("T05", "Không có sóng", "03646", 50, 200, "none", False, False),
    ("T06", "5G", "03646", 60, 240, "5g", True, True),
    ("T07", "3g", "03664", 70, 280, "3g", True, False),
    ("T08", "Trắng sóng", "03664", 80, 320, "none", False, False),
    ("T09", "4G LTE", "03664", 90, 360, "4g", True, True),
    ("T10", "UMTS", "03664", 100, 400, "3g", True, False),
]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broadband")
    path = folder / "signals.csv"
    lines = ["Mã bản,Tên bản,Mã xã,Số hộ,Số dân,Sóng,Cáp quang"]
    lines += [f"{vid},Bản {vid},{code},{hh},{pop},{sig},có" for vid, sig, code, hh, pop, *_ in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.delenv("SLMAP_DATA_DIR", raising=False)
    mp.setenv("SLMAP_CACHE_DIR", str(folder / "cache"))
    try:
        return load_coverage(register=path)
    finally:
        mp.undo()


def test_signals_and_derived_flags(model):
    villages = model.villages.set_index("village_id")
    for vid, written, _, _, _, parsed, broadband, has_4g in ROWS:
        row = villages.loc[vid]
        assert row["mobile_signal"] == parsed, written
        assert bool(row["mobile_broadband"]) is broadband, written
        assert bool(row["has_4g"]) is has_4g, written


def test_commune_metrics(model):
    communes = model.communes
    a, b = communes.loc["03646"], communes.loc["03664"]
    assert (int(a["villages"]), int(a["villages_no_mbb"]), int(a["villages_4g"])) == (6, 3, 2)
    assert a["share_4g"] == pytest.approx(100 * 2 / 6)
    assert (int(b["villages"]), int(b["villages_no_mbb"]), int(b["villages_4g"])) == (4, 1, 1)
    assert b["share_4g"] == pytest.approx(25.0)
    # population with 4G: T02 + T06 of 03646; T09 of 03664
    assert a["pop_4g_share"] == pytest.approx(100 * (80 + 240) / (40 + 80 + 120 + 160 + 200 + 240))
    assert b["pop_4g_share"] == pytest.approx(100 * 360 / (280 + 320 + 360 + 400))


def test_province_metrics(model):
    province = model.province.iloc[0]
    assert int(province["villages_no_mbb"]) == 4
    assert province["share_4g"] == pytest.approx(30.0)


def test_uncovered_query_lists_exactly_the_villages_without_broadband(model):
    uncovered = query.villages_without_broadband(model)
    assert sorted(uncovered["village_id"]) == ["T03", "T04", "T05", "T08"]
