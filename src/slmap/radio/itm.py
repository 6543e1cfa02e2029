"""Longley-Rice (ITM) path loss over DEM terrain profiles, and the link budget.

The Irregular Terrain Model 1.2.2 of the US Institute for Telecommunication
Sciences, point-to-point mode, as implemented by the MIT-licensed ``itmlogic``
package (Oughton et al. 2020, JOSS 5, 2266); slmap only wraps it. For each
(site, village) pair the ground profile is sampled on the DEM every ≈ 30 m
(vectorised over all pairs), ITM gives the basic transmission loss, and

    received power = EIRP − path loss − receiver losses
    margin_db      = received power − threshold

A village is covered by a site when ``margin_db >= 0``.

Defaults (each overridable)
---------------------------
Frequency and threshold by technology (the site's own ``frequency_mhz`` wins):

===== ========= ============== ============================================
tech  MHz       threshold dBm  what the threshold approximates
===== ========= ============== ============================================
2g    900       −102           GSM handset reference sensitivity
                               (3GPP TS 45.005), the whole 200 kHz carrier
3g    2100      −95            CPICH RSCP −105 dBm, the pilot being ≈ 10 %
                               of the cell's power (+10 dB)
4g    1800      −82            RSRP −110 dBm over a 10 MHz LTE carrier
                               (600 subcarriers: +27.8 dB)
5g    3700      −75            SS-RSRP −110 dBm over a 100 MHz NR carrier
                               at 30 kHz (3,276 subcarriers: +35.2 dB)
===== ========= ============== ============================================

The thresholds compare with the *total* received power of the carrier,
because ``eirp_dbm`` is the carrier's total EIRP. Bands: GSM 900, UMTS 2100
(band 1) and LTE 1800 (band 3) are the bands Vietnamese operators use for
those technologies; 5G was auctioned in 2024 at 2500–2600 MHz (Viettel),
3700–3800 MHz (VNPT) and 3800–3900 MHz (MobiFone).

EIRP when a site has none: 60 dBm (a 40 W / 46 dBm macro transmitter, a
17 dBi sector antenna, 3 dB of feeder loss). Receiver: 1.5 m above ground,
0 dBi handset antenna and 3 dB body loss, outdoors (no building loss).

ITM parameters: climate "continental subtropical" (ITM code 2: inland,
monsoon, the closest ITM climate to Sơn La's humid subtropical highlands),
surface refractivity 320 N-units (ITM's value for that climate), scaled by
the profile's mean height; average ground (relative permittivity 15,
conductivity 0.005 S/m); vertical polarisation; reliability and confidence
50 % (median loss); ITM mode of variability 12 (mobile, point to point, as
ITM's own point-to-point routine). ITM is specified for 20 MHz–20 GHz and
paths of 1–2,000 km. On shorter paths it warns "out of range" (code 4) and its
loss is not the free-space loss over rough ground: on 0.1–1 km synthetic
paths it was 0–1 dB above it over flat ground but up to 131 dB above over
ridges and noisy ground (``bench/itm_short_paths.py``). ITM's warning of each
path is kept (``itm_code``; :data:`ITM_WARNINGS` names the codes reported).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import InputError
from slmap.base.progress import progress_steps
from slmap.radio.itm_profile import profile_geometry
from slmap.sources.dem import Dem, sample_heights

__all__ = [
    "CLIMATES",
    "DEFAULT_EIRP_DBM",
    "ITM_WARNINGS",
    "MAX_GAP_SHARE",
    "TECHNOLOGY_DEFAULTS",
    "ItmSettings",
    "fspl_db",
    "itm_pairs",
    "path_loss",
    "profile_losses",
]

#: technology -> (frequency MHz, threshold dBm of total received power)
TECHNOLOGY_DEFAULTS = {
    "2g": (900.0, -102.0),
    "3g": (2100.0, -95.0),
    "4g": (1800.0, -82.0),
    "5g": (3700.0, -75.0),
}
DEFAULT_EIRP_DBM = 60.0
#: ITM radio climates: name -> (code, surface refractivity N-units)
CLIMATES = {
    "equatorial": (1, 360.0),
    "continental-subtropical": (2, 320.0),
    "maritime-subtropical": (3, 370.0),
    "desert": (4, 280.0),
    "continental-temperate": (5, 301.0),
    "maritime-temperate-land": (6, 320.0),
    "maritime-temperate-sea": (7, 350.0),
}
#: ITM mode of variability: mobile (2), point to point (+10).
MODE_OF_VARIABILITY = 12
#: Fewest profile intervals; paths shorter than 10 m are taken as 10 m.
MIN_INTERVALS = 10
MIN_PATH_M = 10.0
#: Profile samples held in memory at once.
CHUNK_SAMPLES = 4_000_000
#: Largest share of a profile's samples on nodata that is bridged linearly; beyond it
#: the path's loss is unknown.
MAX_GAP_SHARE = 0.05
#: ITM's error codes (``kwx``) reported with a prediction, and their words.
ITM_WARNINGS = {3: "doubtful", 4: "out of range"}


@dataclass(frozen=True)
class ItmSettings:
    """Parameters of the ``itm`` model (see the module text for each default's source).

    ``frequency_mhz``, ``threshold_dbm`` and ``eirp_dbm`` replace the
    defaults when given: the frequency and EIRP only for sites without their
    own ``frequency_mhz`` / ``eirp_dbm``, the threshold for every site.

    Examples
    --------
    >>> ItmSettings().climate, ItmSettings(threshold_dbm=-90).threshold_dbm
    ('continental-subtropical', -90)
    """

    climate: str = "continental-subtropical"
    permittivity: float = 15.0
    conductivity: float = 0.005
    polarization: str = "vertical"
    reliability: float = 0.5
    confidence: float = 0.5
    receiver_m: float = 1.5
    receiver_loss_db: float = 3.0
    step_m: float = 30.0
    frequency_mhz: float | None = None
    threshold_dbm: float | None = None
    eirp_dbm: float | None = None

    def __post_init__(self) -> None:
        if self.climate not in CLIMATES:
            raise InputError(
                f"unknown ITM climate '{self.climate}' (expected one of {', '.join(CLIMATES)})"
            )
        if self.polarization not in ("vertical", "horizontal"):
            raise InputError(
                f"unknown polarisation '{self.polarization}' (expected vertical or horizontal)"
            )
        for name in ("reliability", "confidence"):
            if not 0.01 <= getattr(self, name) <= 0.99:
                raise InputError(f"ITM {name} must be between 0.01 and 0.99")


def fspl_db(distance_m: float | np.ndarray, frequency_mhz: float | np.ndarray):
    """Free-space path loss: 32.45 + 20·log10(f MHz) + 20·log10(d km).

    Examples
    --------
    >>> round(float(fspl_db(1000.0, 1800.0)), 1)
    97.6
    """
    return 32.45 + 20 * np.log10(frequency_mhz) + 20 * np.log10(np.asarray(distance_m) / 1000.0)


def path_loss(
    elevations: np.ndarray,
    step_m: float,
    frequency_mhz: float,
    tx_m: float,
    rx_m: float = 1.5,
    settings: ItmSettings | None = None,
) -> tuple[float, int]:
    """ITM point-to-point basic transmission loss over one ground profile.

    Parameters
    ----------
    elevations : ndarray
        Ground heights (m) from the transmitter to the receiver, evenly spaced.
    step_m : float
        Spacing of the heights, metres.
    frequency_mhz, tx_m, rx_m : float
        Carrier frequency; antenna heights above ground.

    Returns
    -------
    (float, int)
        Loss in dB, and ITM's error code ``kwx`` (0 none; 1 parameters
        close to the limits; 2 defaults substituted for impossible values;
        3 a combination of parameters out of range: result doubtful; 4 a
        parameter out of range: result out of ITM's validity). Codes 3 and
        4 are reported with a prediction (:data:`ITM_WARNINGS`).

    Examples
    --------
    >>> loss, code = path_loss(np.zeros(334), 30.0, 1800.0, 30.0)
    >>> round(float(loss)), code  # 10 km over flat ground: free space would be 117.6
    (128, 0)
    """
    from itmlogic.lrprop import lrprop
    from itmlogic.misc.qerfi import qerfi
    from itmlogic.preparatory_subroutines.qlrps import qlrps
    from itmlogic.statistics.avar import avar

    settings = settings or ItmSettings()
    code, refractivity = CLIMATES[settings.climate]
    z = np.asarray(elevations, dtype="float64")
    wn, gme, ens, zgnd = qlrps(
        frequency_mhz,
        float(np.mean(z)),
        refractivity,
        int(settings.polarization == "vertical"),
        settings.permittivity,
        settings.conductivity,
    )
    hg = (float(tx_m), float(rx_m))
    prop = {
        "hg": list(hg),
        "wn": wn,
        "gme": gme,
        "ens": ens,
        "zgnd": zgnd,
        "kwx": 0,
        # itmlogic's qlrpfl settings for point to point with a climate and a mode of variability
        "mdp": -1,
        "lvar": 5,
        "klim": code,
        "mdvar": MODE_OF_VARIABILITY,
        **profile_geometry(z, float(step_m), hg, gme),
    }
    prop = lrprop(0, prop)
    zr, zc = qerfi([settings.reliability, settings.confidence])
    free_space = 8.685890 * math.log(2 * prop["wn"] * prop["dist"])
    excess, prop = avar(zr, 0.0, zc, prop)
    return float(free_space + excess), int(prop["kwx"])


def profile_losses(
    dem: Dem,
    crs,
    site_xy: np.ndarray,
    village_xy: np.ndarray,
    tx_m: np.ndarray,
    frequency_mhz: np.ndarray,
    settings: ItmSettings | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """ITM loss of every (site, village) pair; profiles sampled on the DEM.

    Profiles are sampled for many pairs at once (each every ≈ ``step_m``);
    ITM itself runs once per pair. Short gaps in the DEM inside a profile
    (nodata on at most :data:`MAX_GAP_SHARE` of its samples) are bridged
    linearly; a pair whose end has no height, or whose profile has more
    nodata than that, gets NaN (unknown: no terrain).

    Returns
    -------
    (ndarray, ndarray)
        Loss in dB (NaN when unknown) and ITM's error code per pair.

    Examples
    --------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> flat = Dem(np.zeros((10, 400)), Affine(30, 0, 0, 0, -30, 300), CRS(32648), "flat")
    >>> a, b = np.array([[15.0, 150.0]]), np.array([[10_015.0, 150.0]])
    >>> loss, _ = profile_losses(flat, "EPSG:32648", a, b, np.array([30.0]), np.array([1800.0]))
    >>> round(float(loss[0]))
    128
    """
    settings = settings or ItmSettings()
    n = len(site_xy)
    loss, codes = np.full(n, np.nan), np.zeros(n, dtype="int64")
    length = np.maximum(np.hypot(*(village_xy - site_xy).T), MIN_PATH_M)
    intervals = np.maximum(np.ceil(length / settings.step_m).astype("int64"), MIN_INTERVALS)
    ends = np.cumsum(intervals + 1)
    start = 0
    with progress_steps(n, "ITM path loss") as advance:
        while start < n:
            stop = max(start + 1, int(np.searchsorted(ends, ends[start] + CHUNK_SAMPLES)))
            idx = np.arange(start, min(stop, n))
            profiles = _profiles(dem, crs, site_xy[idx], village_xy[idx], intervals[idx])
            for i, z in zip(idx, profiles, strict=True):
                z = _bridge(z)
                if z is not None:
                    step = length[i] / intervals[i]
                    loss[i], codes[i] = path_loss(
                        z, step, frequency_mhz[i], tx_m[i], settings.receiver_m, settings
                    )
            advance(len(idx))
            start = idx[-1] + 1
    return loss, codes


def _profiles(dem, crs, a, b, intervals) -> list[np.ndarray]:
    counts = intervals + 1
    first = np.repeat(np.cumsum(counts) - counts, counts)
    t = (np.arange(counts.sum()) - first) / np.repeat(intervals, counts)
    x = np.repeat(a[:, 0], counts) + np.repeat(b[:, 0] - a[:, 0], counts) * t
    y = np.repeat(a[:, 1], counts) + np.repeat(b[:, 1] - a[:, 1], counts) * t
    z = sample_heights(dem, x, y, crs)
    return np.split(z, np.cumsum(counts)[:-1])


def _bridge(z: np.ndarray) -> np.ndarray | None:
    """Fill interior NaNs linearly; None when an end has no height or too many have none."""
    bad = np.isnan(z)
    if bad[0] or bad[-1] or bad.mean() > MAX_GAP_SHARE:
        return None
    if bad.any():
        k = np.arange(len(z))
        z = z.copy()
        z[bad] = np.interp(k[bad], k[~bad], z[~bad])
    return z


def itm_pairs(
    dem: Dem,
    crs,
    site_xy: np.ndarray,
    village_xy: np.ndarray,
    sites: gpd.GeoDataFrame,
    settings: ItmSettings | None = None,
) -> pd.DataFrame:
    """Link budget of each pair: ``sites`` holds the site row of each pair.

    Returns
    -------
    DataFrame
        ``frequency_mhz``, ``eirp_dbm``, ``threshold_dbm``, ``path_loss_db``,
        ``margin_db`` (EIRP − loss − receiver losses − threshold) and
        ``itm_code``, one row per pair, in order.

    Examples
    --------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> flat = Dem(np.zeros((10, 400)), Affine(30, 0, 0, 0, -30, 300), CRS(32648), "flat")
    >>> s = pd.DataFrame({"technology": ["4g"], "height_m": [30.0]})
    >>> r = itm_pairs(flat, "EPSG:32648", np.array([[15.0, 150.0]]),
    ...               np.array([[10_015.0, 150.0]]), s)
    >>> r[["threshold_dbm", "path_loss_db", "margin_db"]].round().values.tolist()
    [[-82.0, 128.0, 11.0]]
    """
    settings = settings or ItmSettings()
    tech = _column(sites, "technology", "4g").fillna("4g").astype(str).str.lower()
    tech = tech.replace("", "4g")
    known = tech.isin(list(TECHNOLOGY_DEFAULTS))
    tech = tech.where(known, "4g")
    default_f = tech.map(lambda t: TECHNOLOGY_DEFAULTS[t][0]).astype("float64")
    if settings.frequency_mhz is not None:
        default_f[:] = settings.frequency_mhz
    freq = _column(sites, "frequency_mhz", np.nan).astype("float64").fillna(default_f)
    eirp = _column(sites, "eirp_dbm", np.nan).astype("float64")
    eirp = eirp.fillna(settings.eirp_dbm if settings.eirp_dbm is not None else DEFAULT_EIRP_DBM)
    threshold = tech.map(lambda t: TECHNOLOGY_DEFAULTS[t][1]).astype("float64")
    if settings.threshold_dbm is not None:
        threshold[:] = settings.threshold_dbm
    tx = sites["height_m"].to_numpy(dtype="float64")
    loss, codes = profile_losses(
        dem, crs, site_xy, village_xy, tx, freq.to_numpy(), settings=settings
    )
    margin = eirp.to_numpy() - loss - settings.receiver_loss_db - threshold.to_numpy()
    return pd.DataFrame(
        {
            "frequency_mhz": freq.to_numpy(),
            "eirp_dbm": eirp.to_numpy(),
            "threshold_dbm": threshold.to_numpy(),
            "path_loss_db": loss,
            "margin_db": margin,
            "itm_code": codes,
        }
    )


def _column(frame: pd.DataFrame, name: str, default) -> pd.Series:
    if name in frame:
        return frame[name].reset_index(drop=True)
    return pd.Series(default, index=pd.RangeIndex(len(frame)))
