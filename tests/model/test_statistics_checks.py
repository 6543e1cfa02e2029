"""Commune statistics get the register's checks: every problem names file, row and column."""

from __future__ import annotations

import math

import pytest

from slmap.base.errors import InputError
from slmap.model import load_coverage


@pytest.fixture(scope="module")
def base():
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SLMAP_DATA_DIR", raising=False)
        return load_coverage()


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _problems(path) -> list[tuple[int | None, str | None, str, str]]:
    with pytest.raises(InputError) as info:
        load_coverage(statistics=path)
    return [(p.row, p.column, p.kind, p.message) for p in info.value.problems]


def _codes(base, n: int = 2) -> list[str]:
    return list(base.communes.sort_values("population").index[-n:])


def test_duplicate_code_is_refused_not_summed(base, offline):
    a, b = _codes(base)
    path = offline / "dup.csv"
    path.write_text(f"Mã xã,Số hộ\n{a},100\n{b},200\n{a},300\n", encoding="utf-8")
    found = _problems(path)
    assert found == [
        (4, "Mã xã", "duplicate_code", f"duplicate commune code '{a}' (first on row 2); "
         "expected one row per commune")
    ]  # fmt: skip


def test_negative_and_unreadable_counts_name_row_and_column(base, offline):
    a, b = _codes(base)
    path = offline / "neg.csv"
    path.write_text(f"commune_code,households,population\n{a},-5,10\n{b},200,nhiều\n", "utf-8")
    found = _problems(path)
    assert [(r, c, k) for r, c, k, _ in found] == [
        (2, "households", "out_of_range"),
        (3, "population", "bad_value"),
    ]
    assert "expected a number >= 0, found -5" in found[0][3]


def test_fibre_above_households_in_the_file(base, offline):
    a, _ = _codes(base)
    path = offline / "fibre.csv"
    path.write_text(f"commune_code,households,fibre_households\n{a},10,25\n", "utf-8")
    (found,) = _problems(path)
    assert found[:3] == (2, "fibre_households", "out_of_range")
    assert "exceed households (10)" in found[3]


def test_share_above_100_against_the_village_sums_is_no_data(base, offline):
    a, _ = _codes(base)
    covered = int(base.communes.loc[a, "population_4g"])
    assert covered > 1
    path = offline / "pop.csv"
    path.write_text(f"commune_code,population\n{a},1\n", "utf-8")
    model = load_coverage(statistics=path)
    assert math.isnan(model.communes.loc[a, "pop_4g_share"])
    (found,) = [p for p in model.problems if p.kind == "share_over_100"]
    assert (found.row, found.column, found.severity) == (2, "population", "warning")
    assert "pop_4g_share" in found.message and "within 0–100 %" in found.message


def test_unknown_code_names_the_closest_codes(base, offline):
    a, _ = _codes(base)
    wrong = a[:4] + ("9" if a[4] != "9" else "8")
    if wrong in base.communes.index:
        pytest.skip("no free neighbouring code")
    path = offline / "unknown.csv"
    path.write_text(f"commune_code,households\n{wrong},10\n", "utf-8")
    (found,) = _problems(path)
    assert found[:3] == (2, "commune_code", "unknown_code")
    assert "closest:" in found[3] and wrong in found[3]


def test_valid_statistics_still_replace_the_sums(base, offline):
    a, b = _codes(base)
    path = offline / "ok.csv"
    path.write_text(f"commune_code,households\n{a},5000\n{b},6000\n", "utf-8")
    communes = load_coverage(statistics=path).communes
    assert int(communes.loc[a, "households"]) == 5000
    assert int(communes.loc[b, "households"]) == 6000
