"""Counts replaced by commune statistics recompute every share derived from them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from slmap.base.metrics import SHARES, recompute_shares
from slmap.model import load_coverage


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_recompute_shares_from_counts():
    frame = pd.DataFrame(
        {
            "villages": [10, 3, 0],
            "villages_4g": [9, 0, 0],
            "population": pd.array([2000, 0, None], dtype="Int64"),
            "population_4g": [1500, 0, 0],
            "households": pd.array([400, 100, 5], dtype="Int64"),
            "fibre_households": pd.array([100, None, 5], dtype="Int64"),
            "share_4g": [0.0, 0.0, 0.0],  # stale values to be replaced
            "pop_4g_share": [1.0, 1.0, 1.0],
            "fibre_hh_share": [2.0, 2.0, 2.0],
        }
    )
    out = recompute_shares(frame)
    assert out["share_4g"].tolist()[:2] == [90.0, 0.0] and math.isnan(out["share_4g"][2])
    assert out["pop_4g_share"][0] == 75.0
    assert np.isnan(out["pop_4g_share"][1:]).all()  # 0 or unknown population: no data
    assert out["fibre_hh_share"][0] == 25.0 and math.isnan(out["fibre_hh_share"][1])
    assert out["fibre_hh_share"][2] == 100.0
    assert frame["share_4g"].tolist() == [0.0, 0.0, 0.0]  # the input is not modified
    assert set(SHARES) == {"share_4g", "pop_4g_share", "fibre_hh_share"}


def test_replaced_population_recomputes_pop_4g_share(offline):
    base = load_coverage()
    code = base.communes.sort_values("population").index[-1]
    before = base.communes.loc[code]
    stats = offline / "stats.csv"
    population = int(before["population"]) * 2
    households = int(before["households"]) * 4
    stats.write_text(
        f"commune_code,population,households\n{code},{population},{households}\n",
        encoding="utf-8",
    )
    after = load_coverage(statistics=stats).communes.loc[code]
    assert int(after["population"]) == population
    expected = float(after["population_4g"]) / population * 100
    assert after["pop_4g_share"] == pytest.approx(expected)
    assert after["pop_4g_share"] == pytest.approx(before["pop_4g_share"] / 2, rel=1e-6)
    expected_fibre = float(after["fibre_households"]) / households * 100
    assert after["fibre_hh_share"] == pytest.approx(expected_fibre)
