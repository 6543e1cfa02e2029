"""The synthetic register reproduces the published Sơn La figures, 4G count included."""

from __future__ import annotations

import dataclasses

import pytest

from slmap.sample import registers as synthetic
from slmap.sample.registers import SON_LA_2023, generate_register


@pytest.fixture(scope="module")
def son_la():
    return generate_register("14", SON_LA_2023)


def test_published_totals(son_la) -> None:
    signal = son_la["mobile_signal"]
    assert len(son_la) == SON_LA_2023.villages
    assert int(signal.isin(["4g", "5g"]).sum()) == SON_LA_2023.with_4g
    assert int((~signal.isin(["3g", "4g", "5g"])).sum()) == SON_LA_2023.without_broadband
    assert int(son_la["households"].sum()) == SON_LA_2023.households
    assert int(son_la["population"].sum()) == SON_LA_2023.population
    assert int(son_la.loc[signal.isin(["4g", "5g"]), "population"].sum()) == (
        SON_LA_2023.population_4g
    )
    assert int(son_la["fibre_households"].sum()) == SON_LA_2023.fibre_households


def test_inconsistent_4g_target_is_refused() -> None:
    targets = dataclasses.replace(SON_LA_2023, with_4g=1700)
    with pytest.raises(ValueError, match=r"with_4g is 1700; expected .* = 1702"):
        synthetic.generate_register("14", targets)
