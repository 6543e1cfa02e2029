"""The numpy profile analysis gives what itmlogic's own loops give.

Each check runs itmlogic's routines (``hzns``, ``dlthx``, ``zlsq1``, and
``qlrpfl`` + ``avar`` for the path loss) on the same profiles: flat ground,
a single ridge, a valley, random-walk mountains and short noisy paths,
1–35 km long, at the 30 m spacing slmap samples.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from itmlogic.misc.qerfi import qerfi
from itmlogic.preparatory_subroutines.dlthx import dlthx
from itmlogic.preparatory_subroutines.hzns import hzns
from itmlogic.preparatory_subroutines.qlrpfl import qlrpfl
from itmlogic.preparatory_subroutines.qlrps import qlrps
from itmlogic.preparatory_subroutines.zlsq1 import zlsq1
from itmlogic.statistics.avar import avar

from slmap.radio.itm import CLIMATES, MODE_OF_VARIABILITY, ItmSettings, path_loss
from slmap.radio.itm_profile import (
    horizons,
    least_squares_ends,
    profile_geometry,
    terrain_irregularity,
)

GME = 1.0 / 8_500_000
KINDS = ("flat", "ridge", "valley", "mountains", "noisy")


def _profile(rng, kind):
    length = rng.uniform(1_000.0, 35_000.0)
    n = max(math.ceil(length / 30.0), 10)
    x = np.linspace(0.0, 1.0, n + 1)
    if kind == "flat":
        z = np.full(n + 1, rng.uniform(0.0, 1_500.0))
    elif kind == "ridge":
        z = 300.0 + rng.uniform(50, 900) * np.exp(-(((x - rng.uniform(0.05, 0.95)) / 0.02) ** 2))
    elif kind == "valley":
        z = 1_200.0 - rng.uniform(100, 900) * np.sin(np.pi * x)
    elif kind == "mountains":
        z = np.clip(np.cumsum(rng.normal(0.0, 15.0, n + 1)) + 900.0, 0.0, None)
    else:
        z = 600.0 + rng.normal(0.0, 40.0, n + 1)
    return z, length / n


def _cases(count, seed):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        z, step = _profile(rng, KINDS[i % len(KINDS)])
        f = float(rng.choice([900.0, 1800.0, 2100.0, 3700.0]))
        out.append((KINDS[i % len(KINDS)], z, step, f, float(rng.uniform(10.0, 80.0))))
    return out


def _pfl(z, step):
    return [len(z) - 1, step, *(float(v) for v in z)]


def _itmlogic_loss(z, step, frequency_mhz, tx_m, rx_m=1.5):
    """Plain itmlogic point to point, as slmap called it before the numpy port."""
    s = ItmSettings()
    code, refractivity = CLIMATES[s.climate]
    wn, gme, ens, zgnd = qlrps(
        frequency_mhz, float(np.mean(z)), refractivity, 1, s.permittivity, s.conductivity
    )
    prop = {
        "hg": [tx_m, rx_m],
        "wn": wn,
        "gme": gme,
        "ens": ens,
        "zgnd": zgnd,
        "kwx": 0,
        "lvar": 5,
        "klim": code,
        "klimx": code,
        "mdvarx": MODE_OF_VARIABILITY,
        "pfl": _pfl(z, step),
    }
    prop = qlrpfl(prop)
    zr, zc = qerfi([s.reliability, s.confidence])
    free_space = 8.685890 * math.log(2 * prop["wn"] * prop["dist"])
    excess, prop = avar(zr, 0.0, zc, prop)
    return free_space + excess, prop["kwx"]


def test_path_loss_equals_itmlogic_on_240_profiles():
    worst = 0.0
    for kind, z, step, f, tx in _cases(240, seed=13):
        want, want_code = _itmlogic_loss(z, step, f, tx)
        got, code = path_loss(z, step, f, tx)
        assert code == want_code, (kind, len(z))
        assert got == pytest.approx(want, abs=0.01), (kind, len(z), step, f, tx)
        worst = max(worst, abs(got - want))
    assert worst < 1e-6


def test_horizons_equal_itmlogic_hzns():
    for kind, z, step, _, tx in _cases(60, seed=1):
        dist = (len(z) - 1) * step
        the, dl = hzns(_pfl(z, step), dist, [tx, 1.5], GME)
        got_the, got_dl = horizons(z, step, (tx, 1.5), GME)
        assert got_the == pytest.approx([the[0], the[1]], rel=1e-9, abs=1e-12), kind
        assert got_dl == pytest.approx([dl[0], dl[1]], rel=1e-9), kind


def test_terrain_irregularity_and_fit_equal_itmlogic():
    rng = np.random.default_rng(2)
    for kind, z, step, _, _ in _cases(60, seed=2):
        dist = (len(z) - 1) * step
        x1 = rng.uniform(0.0, 0.3) * dist
        x2 = dist - rng.uniform(0.0, 0.3) * dist
        pfl = _pfl(z, step)
        assert terrain_irregularity(z, step, x1, x2) == pytest.approx(
            dlthx(pfl, x1, x2), rel=1e-9, abs=1e-9
        ), kind
        assert least_squares_ends(z, step, x1, x2) == pytest.approx(
            zlsq1(pfl, x1, x2), rel=1e-9, abs=1e-9
        ), kind


def test_a_ridge_sets_both_horizons_at_its_crest():
    z = np.zeros(301)
    z[100] = 400.0
    the, dl = horizons(z, 30.0, (30.0, 1.5), GME)
    assert dl == [3_000.0, 6_000.0]
    assert the[0] == pytest.approx((400.0 - 30.0) / 3_000.0 - 0.5 * GME * 3_000.0)


def test_line_of_sight_geometry_uses_itmlogics_second_to_last_point():
    # itmlogic 1.2 measures the receiver's effective height from pfl[np+1]:
    # raising only the last point leaves he[1] unchanged, raising the one before changes it.
    base = np.zeros(201)
    last, before = base.copy(), base.copy()
    last[-1] = 1.0  # below the line of sight: both horizons stay beyond the path
    before[-2] = 1.0
    geometry = [profile_geometry(z, 30.0, (30.0, 1.5), GME) for z in (base, last, before)]
    assert all(sum(g["dl"]) >= 1.5 * g["dist"] for g in geometry)
    he = [g["he"][1] for g in geometry]
    assert he[0] == pytest.approx(1.5)
    assert he[1] == pytest.approx(1.5)
    assert he[2] > 2.4


def test_flat_ground_has_no_irregularity():
    assert terrain_irregularity(np.full(500, 321.0), 30.0, 450.0, 14_000.0) == 0.0
    assert terrain_irregularity(np.full(5, 1.0), 30.0, 0.0, 45.0) == 0.0
