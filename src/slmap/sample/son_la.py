"""The embedded sample: Sơn La's villages at two dates, in the 2023 layout.

What a 2023 report would hold (DESIGN §3.4): two registers of the same
1,825 invented villages keyed to the 204 communes of the 2023 layout (codes,
commune and district names), ``as_of`` 2021-12-31 with 216 villages without
mobile broadband and ``as_of`` 2022-12-31 with 123 (93 newly covered during
2022, none newly uncovered). The later one reproduces every published figure
(:data:`slmap.sample.registers.SON_LA_2023`). Built from the registry and the
layouts alone: no boundary file is read. The 2025-layout view comes from
conversion, not from a second generator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from slmap.admin import crosswalks, layouts, registry
from slmap.sample.registers import SON_LA_2023, Targets, apportion, village_names

__all__ = ["NEWLY_COVERED_2022", "WITHOUT_BROADBAND_2021", "generate_sample"]

#: Villages taken out of "no mobile broadband" during 2022 (DESIGN §1).
NEWLY_COVERED_2022 = 93
#: Villages without mobile broadband at the start of 2022: 123 + 93.
WITHOUT_BROADBAND_2021 = 216
_DATES = ("2021-12-31", "2022-12-31")


def _units(seed_rng: np.random.Generator) -> pd.DataFrame:
    """The 204 units with their 2025 commune, area share, centre and remoteness."""
    old = layouts.units("2023", "14")
    # The registry's centre of a unit the act changed is the centre of the new
    # unit: no known centre for the 2023 shape.
    changed = old["commune_code"].isin(layouts.act_table()["old_code"])
    # Centres the registry gives to two units at once (e.g. 04078 Chiềng Hặc of Yên
    # Châu and 04012 Chiềng Hắc of Mộc Châu) belong to neither with certainty.
    key = old["lon"].round(5).astype(str) + "," + old["lat"].round(5).astype(str)
    shared = key.duplicated(keep=False) & old["lon"].notna()
    old.loc[changed | shared, ["lon", "lat"]] = np.nan
    cw = crosswalks.crosswalk("2023", "2025", "14")
    dest = cw[cw["default"]].set_index("old_code")["new_code"]
    new = registry.communes("2025", "14").set_index("commune_code")
    old["new_code"] = old["commune_code"].map(dest)
    sources = old.groupby("new_code")["commune_code"].transform("size")
    area = new["area_km2"].fillna(new["area_km2"].median()).clip(lower=1)
    old["area"] = old["new_code"].map(area).to_numpy() / sources.to_numpy()
    old["new_lon"] = old["new_code"].map(new["lon"])
    old["new_lat"] = old["new_code"].map(new["lat"])
    old["new_reach"] = np.sqrt(old["new_code"].map(area) / np.pi) / 111.0
    capital = new[new["commune_type"] == "Phường"][["lon", "lat"]].iloc[0]
    lon = old["lon"].fillna(old["new_lon"])
    lat = old["lat"].fillna(old["new_lat"])
    dist = np.hypot((lon - capital["lon"]) * 0.93, lat - capital["lat"]).to_numpy()
    remote = dist / dist.max()
    remote[old["commune_type"].isin(["Phường", "Thị trấn"]).to_numpy()] *= 0.1
    old["remote"] = remote
    return old.reset_index(drop=True)


def _signals(
    rng: np.random.Generator, remote: np.ndarray, first: np.ndarray, urban: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uncovered at the end of 2022, newly covered during 2022, and the 2022 signal."""
    n = len(remote)
    weight = (0.05 + remote) ** 3
    weight[first] = 0.0  # every commune keeps a 4G village
    uncovered = np.zeros(n, dtype=bool)
    pick = rng.choice(n, SON_LA_2023.without_broadband, replace=False, p=weight / weight.sum())
    uncovered[pick] = True
    weight = (0.05 + remote) ** 2
    weight[first | uncovered] = 0.0
    newly = np.zeros(n, dtype=bool)
    pick = rng.choice(n, NEWLY_COVERED_2022, replace=False, p=weight / weight.sum())
    newly[pick] = True
    signal = np.where(uncovered, np.where(rng.random(n) < 0.7, "none", "2g"), "4g")
    signal[(~uncovered) & urban & (rng.random(n) < 0.3)] = "5g"
    return uncovered, newly, signal


def _people(
    rng: np.random.Generator, uncovered: np.ndarray, urban: np.ndarray, t: Targets
) -> tuple[np.ndarray, np.ndarray]:
    n = len(uncovered)
    size = rng.lognormal(0, 0.45, n) * np.where(urban, 2.5, 1.0) * np.where(uncovered, 0.7, 1.0)
    population = np.empty(n, dtype=np.int64)
    population[uncovered] = apportion(size[uncovered], t.population - t.population_4g, 20)
    population[~uncovered] = apportion(size[~uncovered], t.population_4g, 40)
    households = apportion(population / rng.uniform(3.9, 5.4, n), t.households, 4)
    return np.minimum(households, population), population


def _fibre(
    rng: np.random.Generator,
    households: np.ndarray,
    uncovered: np.ndarray,
    remote: np.ndarray,
    first: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fibre reaches most covered villages and one village of every commune."""
    n = len(households)
    fibre = (~uncovered) & (rng.random(n) < 0.85 - 0.4 * remote)
    fibre[first] = True
    total = SON_LA_2023.fibre_households
    fibre_hh = np.zeros(n, dtype=np.int64)
    cap = households[fibre]
    fibre_hh[fibre] = np.minimum(apportion(cap * rng.uniform(0.5, 1.0, fibre.sum()), total), cap)
    short = total - fibre_hh.sum()
    while short > 0:  # top up villages below their cap, largest room first (deterministic)
        room = np.where(fibre, households - fibre_hh, 0)
        k = int(np.argmax(room))
        add = min(short, int(room[k]))
        fibre_hh[k] += add
        short -= add
    return fibre, fibre_hh


def _coordinates(
    rng: np.random.Generator, units: pd.DataFrame, idx: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Surveyed points scattered close around the unit's official centre.

    Units that the 2024 act changed have no official centre of their 2023
    shape, and a centre the registry gives to two units is trusted for
    neither: their villages get no coordinates and slmap places them inside
    their commune.
    """
    n = len(idx)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    surveyed = rng.random(n) < share
    u = units.iloc[idx].reset_index(drop=True)
    for i in np.flatnonzero(surveyed & u["lon"].notna().to_numpy()):
        radius = 0.08 * np.sqrt(u.at[i, "area"] / np.pi) / 111.0
        lon[i] = round(u.at[i, "lon"] + rng.uniform(-radius, radius), 5)
        lat[i] = round(u.at[i, "lat"] + rng.uniform(-radius, radius), 5)
    return lon, lat


def generate_sample(seed: int = 14, surveyed_share: float = 0.55) -> dict[str, pd.DataFrame]:
    """Generate the two dated sample registers of Sơn La (2023 layout).

    Returns
    -------
    dict
        ``{"2021-12-31": DataFrame, "2022-12-31": DataFrame}``, the canonical
        register columns (DESIGN §3.3) plus ``as_of``; the same villages,
        households and people at both dates; only the signal of the 93
        villages covered during 2022 differs.

    Examples
    --------
    >>> s = generate_sample()
    >>> [int((~r["mobile_signal"].isin(["3g", "4g", "5g"])).sum()) for r in s.values()]
    [216, 123]
    >>> len(s["2022-12-31"]), s["2022-12-31"]["commune_code"].nunique()
    (1825, 204)
    """
    rng = np.random.default_rng(seed)
    units = _units(rng)
    t = SON_LA_2023
    per_unit = apportion(units["area"].to_numpy() ** 0.8, t.villages, minimum=3)
    idx = np.repeat(np.arange(len(units)), per_unit)
    first = np.zeros(len(idx), dtype=bool)
    first[np.r_[0, np.cumsum(per_unit)[:-1]]] = True
    urban = units["commune_type"].isin(["Phường", "Thị trấn"]).to_numpy()[idx]
    remote = units["remote"].to_numpy()[idx]
    uncovered, newly, signal = _signals(rng, remote, first, urban)
    households, population = _people(rng, uncovered, urban, t)
    fibre, fibre_hh = _fibre(rng, households, uncovered, remote, first)
    grid = ~(rng.random(len(idx)) < np.where(uncovered | newly, 0.35, 0.03))
    lon, lat = _coordinates(rng, units, idx, surveyed_share)
    codes = units["commune_code"].to_numpy()[idx]
    counter = pd.Series(codes).groupby(codes).cumcount().to_numpy() + 1
    later = pd.DataFrame(
        {
            "village_id": [f"{c}-{k:03d}" for c, k in zip(codes, counter, strict=True)],
            "village_name": village_names(rng, len(idx)),
            "commune_code": codes,
            "commune_name": units["commune_name"].to_numpy()[idx],
            "district_name": units["district_name"].to_numpy()[idx],
            "lon": lon,
            "lat": lat,
            "households": households,
            "population": population,
            "mobile_signal": signal,
            "fibre": np.where(fibre, "yes", "no"),
            "fibre_households": fibre_hh,
            "grid_power": np.where(grid, "yes", "no"),
            "as_of": _DATES[1],
        }
    )
    earlier = later.copy()
    earlier.loc[newly, "mobile_signal"] = np.where(rng.random(int(newly.sum())) < 0.6, "none", "2g")
    earlier["as_of"] = _DATES[0]
    return {_DATES[0]: earlier, _DATES[1]: later}
