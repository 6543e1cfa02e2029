"""Synthetic radio sites for the Sơn La sample (invented, labelled synthetic).

The sites are built from the sample register alone (itself generated from
the official registry): no boundary file, no real site list. Each commune
with covered villages that carry coordinates gets one 4G site at the centre
of those villages (a second when the commune is large); every fourth commune
with villages without mobile broadband also gets a 2G site near them (2G is
not mobile broadband, so those villages stay uncovered). Positions, heights
and operators are deterministic (seeded by the commune code). Every row says
``synthetic = yes`` and every output built from the file says "synthetic
sites".
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

__all__ = ["SITE_FILE_COLUMNS", "synthetic_sites"]

SITE_FILE_COLUMNS = [
    "site_id",
    "lon",
    "lat",
    "height_m",
    "operator",
    "technology",
    "synthetic",
]
_OPERATORS = ("Nhà mạng A (tổng hợp)", "Nhà mạng B (tổng hợp)", "Nhà mạng C (tổng hợp)")
_BROADBAND = ("3g", "4g", "5g")


def synthetic_sites(register: pd.DataFrame) -> pd.DataFrame:
    """Invent radio sites for a (sample) register, deterministically.

    Parameters
    ----------
    register : DataFrame
        The sample register as written (``commune_code``, ``lon``, ``lat``,
        ``mobile_signal``); rows without coordinates are ignored.

    Returns
    -------
    DataFrame
        Columns :data:`SITE_FILE_COLUMNS`, one row per site, sorted by id.

    Examples
    --------
    >>> reg = pd.DataFrame({"commune_code": ["03646"] * 2, "lon": [103.9, 103.91],
    ...                     "lat": [21.3, 21.31], "mobile_signal": ["4g", "none"]})
    >>> s = synthetic_sites(reg)
    >>> s[["site_id", "technology", "synthetic"]].values.tolist()[0]
    ['SYN-03646-1', '4g', 'yes']
    """
    reg = register.copy()
    reg["commune_code"] = reg["commune_code"].astype(str).str.zfill(5)
    reg = reg.dropna(subset=["lon", "lat"])
    rows: list[dict] = []
    for code, group in reg.groupby("commune_code", sort=True):
        rng = np.random.default_rng(zlib.crc32(str(code).encode()))
        covered = group[group["mobile_signal"].astype(str).str.lower().isin(_BROADBAND)]
        uncovered = group[~group.index.isin(covered.index)]
        covered = covered.sort_values("lon")
        half = len(covered) // 2
        parts = [covered.iloc[:half], covered.iloc[half:]] if len(covered) > 12 else [covered]
        for i, part in enumerate(p for p in parts if len(p)):
            rows.append(_site(f"SYN-{code}-{i + 1}", part, "4g", rng))
        if len(uncovered) and zlib.crc32(str(code).encode()) % 4 == 0:
            rows.append(_site(f"SYN-{code}-2G", uncovered, "2g", rng))
    return pd.DataFrame(rows, columns=SITE_FILE_COLUMNS)


def _site(site_id: str, villages: pd.DataFrame, tech: str, rng: np.random.Generator) -> dict:
    lon, lat = villages["lon"].mean(), villages["lat"].mean()
    dlon, dlat = rng.uniform(-0.01, 0.01, size=2)
    return {
        "site_id": site_id,
        "lon": round(float(lon + dlon), 5),
        "lat": round(float(lat + dlat), 5),
        "height_m": int(rng.integers(25, 46)),
        "operator": _OPERATORS[int(rng.integers(0, len(_OPERATORS)))],
        "technology": tech,
        "synthetic": "yes",
    }
