"""Deterministic synthetic village registers, built from the registry alone.

:func:`generate_register` makes a plausible register for any province (or
the whole country) from official commune centres, areas and the old → new
conversion. With :data:`SON_LA_2023` as targets it reproduces the published
Sơn La figures exactly (DESIGN §1): 1,825 villages, 123 without mobile
broadband, 1,702 with 4G, 38.56 % of households with fibre, 94.86 % of the
population covered by 4G. Village names are invented. Nothing here reads
boundary files: the output is free of licensed data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from slmap.admin import conversion_2025, registry

__all__ = ["SON_LA_2023", "Targets", "apportion", "generate_register", "village_names"]

_SYLLABLES = (
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
    "Pom",
    "Khau",
    "Lả",
    "Ten",
    "Đông",
    "Kéo",
    "Mòn",
    "Sẳng",
    "Lướt",
    "Hin",
    "Bó",
    "Cang",
    "Nong",
    "Pa",
    "Lằn",
    "Khoang",
    "Xa",
    "Pắc",
    "Tỏm",
    "Bon",
    "Liềng",
    "Hịa",
    "Chỏm",
    "Nặm",
    "Tấu",
    "Sài",
    "Vai",
    "Lụa",
    "Quỳnh",
    "Pom",
    "Há",
    "Tra",
    "Pù",
    "Mảy",
    "Lếch",
    "Ngoạng",
    "Nghè",
    "Pe",
)


@dataclass(frozen=True)
class Targets:
    """Province totals a synthetic register must reproduce exactly.

    Every village with mobile broadband gets 4G or 5G, so ``with_4g`` must
    equal ``villages - without_broadband`` (1,825 - 123 = 1,702 for Sơn La).
    """

    villages: int
    without_broadband: int
    with_4g: int
    population: int
    population_4g: int
    households: int
    fibre_households: int


#: Sơn La, published 2023 figures (DESIGN §1). 1,702 / 1,825 = 93.26 %;
#: 1,231,947 / 1,298,700 = 94.86 %; 108,932 / 282,500 = 38.56 %.
SON_LA_2023 = Targets(
    villages=1825,
    without_broadband=123,
    with_4g=1702,
    population=1_298_700,
    population_4g=1_231_947,
    households=282_500,
    fibre_households=108_932,
)


def apportion(weights: np.ndarray, total: int, minimum: int = 0) -> np.ndarray:
    """Integers proportional to weights, summing exactly to ``total`` (largest remainder).

    Examples
    --------
    >>> apportion(np.array([1.0, 1.0, 2.0]), 10).tolist()
    [3, 2, 5]
    """
    weights = np.asarray(weights, dtype=float)
    base = np.full(len(weights), minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest < 0:
        raise ValueError("total below the minimum")
    share = weights / weights.sum() * rest
    out = base + np.floor(share).astype(np.int64)
    remainder = total - out.sum()
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    out[order[:remainder]] += 1
    return out


def village_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct invented village names ("Bản Nà Tấu"), deterministic for ``rng``."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        a, b = rng.choice(len(_SYLLABLES), 2, replace=False)
        name = (
            f"Bản {_SYLLABLES[a]} {_SYLLABLES[b].lower() if rng.random() < 0.1 else _SYLLABLES[b]}"
        )
        if name in seen:
            name = f"{name} {len(names) % 9 + 1}"
        base, k = name, 10
        while name in seen:  # large registers exhaust the pairs: number them
            name, k = f"{base.rsplit(' ', 1)[0]} {k}", k + 1
        seen.add(name)
        names.append(name)
    return names


def generate_register(
    province: str | list[str] = "14",
    targets: Targets | None = None,
    *,
    villages: int | None = None,
    surveyed_share: float = 0.55,
    seed: int = 14,
) -> pd.DataFrame:
    """Generate a deterministic synthetic village register.

    Parameters
    ----------
    province : str or list of str
        GSO province code(s) of the 2025 layout, or ``"all"``.
    targets : Targets, optional
        Totals to reproduce exactly (e.g. :data:`SON_LA_2023`). Without
        targets, plausible national rates are used for ``villages`` villages.
    villages : int, optional
        Number of villages when ``targets`` is not given (default 25 per
        commune).
    surveyed_share : float
        Share of villages given surveyed coordinates (near the official
        centre of their pre-2025 commune); the rest have none and are placed
        by slmap inside their commune.
    seed : int
        Random seed; the same arguments always give the same register.

    Returns
    -------
    DataFrame
        The canonical register columns (DESIGN §3.3) plus commune_code_old.

    Raises
    ------
    ValueError
        When ``targets.with_4g`` is not ``villages - without_broadband``: the
        generator gives every covered village 4G or 5G, so it could not
        reproduce such a 4G count.

    Examples
    --------
    >>> reg = generate_register("14", SON_LA_2023)
    >>> len(reg), int((~reg["mobile_signal"].isin(["3g", "4g", "5g"])).sum())
    (1825, 123)
    >>> int(reg["mobile_signal"].isin(["4g", "5g"]).sum()) == SON_LA_2023.with_4g
    True
    """
    if targets and targets.with_4g != targets.villages - targets.without_broadband:
        raise ValueError(
            f"targets: with_4g is {targets.with_4g}; expected villages - without_broadband "
            f"= {targets.villages - targets.without_broadband} (every covered village has 4G)"
        )
    rng = np.random.default_rng(seed)
    new = registry.communes("2025", province).reset_index(drop=True)
    conv = conversion_2025.conversion_table(province)
    conv = conv[conv["new_code"].isin(new["commune_code"])]
    old = registry.communes("legacy").set_index("commune_code")
    n_total = targets.villages if targets else (villages or 25 * len(new))
    area = new["area_km2"].fillna(new["area_km2"].median()).clip(lower=1).to_numpy()
    per_commune = apportion(area**0.8, n_total, minimum=min(3, n_total // max(len(new), 1)))

    # Remoteness: distance from the province capital (the first phường), 0..1.
    capital = new[new["commune_type"] == "Phường"].groupby("province_code")[["lon", "lat"]].first()
    cap = (
        new["province_code"].map(capital["lon"]).fillna(new["lon"]),
        new["province_code"].map(capital["lat"]).fillna(new["lat"]),
    )
    dist = np.hypot((new["lon"] - cap[0]) * 0.93, new["lat"] - cap[1]).fillna(0).to_numpy()
    remote = dist / dist.max() if dist.max() > 0 else np.zeros(len(new))
    remote[new["commune_type"].to_numpy() == "Phường"] *= 0.1

    commune_idx = np.repeat(np.arange(len(new)), per_commune)
    n = len(commune_idx)
    codes = new["commune_code"].to_numpy()[commune_idx]
    olds_by_new = conv.groupby("new_code")["old_code"].apply(list).to_dict()
    code_old = np.array(
        [rng.choice(olds_by_new[c]) if c in olds_by_new else None for c in codes], dtype=object
    )

    # Uncovered villages, leaning to remote communes; keep one 4G village per commune.
    n_uncovered = targets.without_broadband if targets else round(n * 0.06)
    weight = (0.05 + remote[commune_idx]) ** 3
    first = np.r_[0, np.cumsum(per_commune)[:-1]]
    weight[first] = 0.0
    uncovered = np.zeros(n, dtype=bool)
    uncovered[rng.choice(n, n_uncovered, replace=False, p=weight / weight.sum())] = True
    signal = np.where(uncovered, np.where(rng.random(n) < 0.7, "none", "2g"), "4g")
    urban = new["commune_type"].to_numpy()[commune_idx] == "Phường"
    signal[(~uncovered) & urban & (rng.random(n) < 0.3)] = "5g"
    if not targets:
        signal[(~uncovered) & (rng.random(n) < 0.03)] = "3g"

    # Population and households, exact totals.
    size = rng.lognormal(0, 0.45, n) * np.where(urban, 2.5, 1.0) * np.where(uncovered, 0.7, 1.0)
    if targets:
        population = np.empty(n, dtype=np.int64)
        population[uncovered] = apportion(
            size[uncovered], targets.population - targets.population_4g, 20
        )
        population[~uncovered] = apportion(size[~uncovered], targets.population_4g, 40)
        total_hh = targets.households
    else:
        population = apportion(size, int(n * 700), 20)
        total_hh = int(population.sum() / 4.6)
    hh_size = rng.uniform(3.9, 5.4, n)
    households = apportion(population / hh_size, total_hh, 4)
    households = np.minimum(households, population)

    # Fibre: reaches most covered villages, and one village in every commune.
    fibre = (~uncovered) & (rng.random(n) < 0.85 - 0.4 * remote[commune_idx])
    fibre[first] = True
    fibre_total = targets.fibre_households if targets else int(households.sum() * 0.35)
    fibre_hh = np.zeros(n, dtype=np.int64)
    cap_hh = households[fibre]
    fibre_hh[fibre] = np.minimum(
        apportion(cap_hh * rng.uniform(0.5, 1.0, fibre.sum()), fibre_total), cap_hh
    )
    short = fibre_total - fibre_hh.sum()
    while short > 0:  # top up villages below their cap, largest first (deterministic)
        room = np.where(fibre, households - fibre_hh, 0)
        k = int(np.argmax(room))
        add = min(short, int(room[k]))
        fibre_hh[k] += add
        short -= add
    grid = ~(rng.random(n) < np.where(uncovered, 0.35, 0.03))

    # Surveyed coordinates near the official centre of the pre-2025 commune, or of
    # the 2025 commune when the old centre lies far from it (registry centres of
    # some old communes are rough): farther than 0.6 of the new commune's
    # equivalent radius.
    surveyed = rng.random(n) < surveyed_share
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    new_lon, new_lat = new["lon"].to_numpy(), new["lat"].to_numpy()
    for i in np.flatnonzero(surveyed):
        oc, k = code_old[i], commune_idx[i]
        if pd.isna(new_lon[k]):
            continue
        reach = np.sqrt(max(area[k], 1) / np.pi) / 111.0
        x, y = new_lon[k], new_lat[k]
        if oc is not None and oc in old.index and not pd.isna(old.at[oc, "lon"]):
            ox, oy = old.at[oc, "lon"], old.at[oc, "lat"]
            if np.hypot((ox - x) * 0.93, oy - y) <= 0.6 * reach:
                x, y = ox, oy
        radius = reach * 0.15
        lon[i] = round(x + rng.uniform(-radius, radius), 5)
        lat[i] = round(y + rng.uniform(-radius, radius), 5)

    names = village_names(rng, n)
    counter = pd.Series(codes).groupby(codes).cumcount().to_numpy() + 1
    district = old.reindex(code_old)["district_name"].to_numpy()
    return pd.DataFrame(
        {
            "village_id": [f"{c}-{k:03d}" for c, k in zip(codes, counter, strict=True)],
            "village_name": names,
            "commune_code": codes,
            "commune_name": new["commune_name"].to_numpy()[commune_idx],
            "commune_code_old": code_old,
            "district_name": district,
            "lon": lon,
            "lat": lat,
            "households": households,
            "population": population,
            "mobile_signal": signal,
            "fibre": np.where(fibre, "yes", "no"),
            "fibre_households": fibre_hh,
            "grid_power": np.where(grid, "yes", "no"),
        }
    )
