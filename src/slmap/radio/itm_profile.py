"""Terrain-profile analysis of ITM's point-to-point mode, vectorised with numpy.

ITM 1.2.2 (Hufford, *The ITS Irregular Terrain Model, version 1.2.2: the
Algorithm*, §43 and §48) prepares a point-to-point prediction from the
ground profile: the horizon of each antenna (``hzns``), the terrain
irregularity Δh (``dlthx``), straight-line least-squares fits of the ground
(``zlsq1``) and from these the effective antenna heights (``qlrpfl``). The
MIT-licensed ``itmlogic`` package implements these steps with Python loops
over the profile points, which take most of its run time; this module
computes the same quantities with array operations, following ``itmlogic``
1.2 step for step so that the path loss is the same.

One behaviour of ``itmlogic`` 1.2 is kept on purpose: when both horizons
lie beyond the path (line of sight, ``dl[0] + dl[1] >= 1.5·dist``) the
receiver's effective height is measured from the *second-to-last* profile
point (``pfl[np+1]``), where ITM 1.2.2 takes the last one. The results
therefore equal those of the ``itmlogic`` release slmap depends on.

A profile here is the array of ground heights ``z`` (m) at ``len(z)``
evenly spaced points, ``step`` metres apart, from the transmitter to the
receiver; ``itmlogic``'s ``pfl`` list is ``[len(z) - 1, step, *z]``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["horizons", "least_squares_ends", "profile_geometry", "terrain_irregularity"]


def horizons(
    z: np.ndarray, step: float, hg: tuple[float, float], gme: float
) -> tuple[list[float], list[float]]:
    """Horizon elevation angles and distances of both antennas (``hzns``).

    Parameters
    ----------
    z : ndarray
        Ground heights (m), transmitter first.
    step : float
        Spacing of the heights, metres.
    hg : (float, float)
        Antenna heights above ground, transmitter and receiver (m).
    gme : float
        Effective Earth curvature (1/m), from ``itmlogic``'s ``qlrps``.

    Returns
    -------
    (list, list)
        ``the``: horizon elevation angles (rad) and ``dl``: horizon
        distances (m), each ``[transmitter, receiver]``. A horizon that no
        profile point obstructs lies at the far end of the path.

    Notes
    -----
    ``itmlogic`` walks the interior points once, raising the transmitter's
    angle at each point above its current horizon, and looks for the
    receiver's horizon only from the first point that raised it. The
    running maximum is the overall maximum, and the last raise is at the
    first point where the maximum is reached: both come from one ``argmax``.

    Examples
    --------
    >>> z = np.zeros(101); z[40] = 100.0
    >>> the, dl = horizons(z, 30.0, (30.0, 1.5), 1.0 / 8_500_000)
    >>> [round(d) for d in dl]
    [1200, 1800]
    """
    n = len(z) - 1
    dist = n * step
    za, zb = z[0] + hg[0], z[n] + hg[1]
    qc = 0.5 * gme
    slope = (zb - za) / dist
    the = [slope - qc * dist, -slope - qc * dist]
    dl = [dist, dist]
    if n < 2:
        return the, dl
    inner = z[1:n]
    sa = np.add.accumulate(np.full(n - 1, step))
    sb = np.subtract.accumulate(np.concatenate(([dist], np.full(n - 1, step))))[1:]
    rise_a = (inner - za) / sa - qc * sa
    above = np.flatnonzero(rise_a > the[0])
    if above.size == 0:
        return the, dl
    best = int(np.argmax(rise_a))
    the[0], dl[0] = float(rise_a[best]), float(sa[best])
    first = int(above[0])
    rise_b = (inner[first:] - zb) / sb[first:] - qc * sb[first:]
    best = int(np.argmax(rise_b))
    if rise_b[best] > the[1]:
        the[1], dl[1] = float(rise_b[best]), float(sb[first + best])
    return the, dl


def least_squares_ends(z: np.ndarray, step: float, x1: float, x2: float) -> tuple[float, float]:
    """Heights at both path ends of the line fitted to ``z`` on [x1, x2] (``zlsq1``).

    Parameters
    ----------
    z : ndarray
        Ground heights (m), evenly spaced.
    step : float
        Spacing of the heights, metres.
    x1, x2 : float
        Distances from the first point (m) bounding the fit.

    Returns
    -------
    (float, float)
        The fitted line's height at the first and at the last point.

    Examples
    --------
    >>> z = 100.0 + 2.0 * np.arange(11)
    >>> [round(v, 6) for v in least_squares_ends(z, 10.0, 20.0, 80.0)]
    [100.0, 120.0]
    """
    xn = len(z) - 1
    ja = int(max(x1 / step, 0))
    jb = xn - int(max(xn - x2 / step, 0))
    if jb <= ja:
        ja = max(ja - 1, 0)
        jb = xn - max(xn - jb + 1, 0)
    m = jb - ja
    x0 = -0.5 * m
    centre = jb + x0
    inner = z[ja + 1 : jb]
    a = 0.5 * (z[ja] + z[jb]) + float(np.sum(inner))
    b = 0.5 * (z[ja] - z[jb]) * x0 + float(np.dot(inner, x0 + np.arange(1, m)))
    a = a / m if m else 0.0
    b = b * 12 / ((m * m + 2) * m)
    return float(a - b * centre), float(a + b * (xn - centre))


def terrain_irregularity(z: np.ndarray, step: float, x1: float, x2: float) -> float:
    """Terrain irregularity Δh between distances x1 and x2 (``dlthx``).

    The profile is resampled at ``10·k − 5`` points (k = 4…25, growing
    with the length), a least-squares line removed, and the interdecile
    range of the residuals scaled up for short paths:
    ``Δh = (q10 − q90) / (1 − 0.8·exp(−(x2 − x1)/50 km))``.

    Parameters
    ----------
    z : ndarray
        Ground heights (m), evenly spaced.
    step : float
        Spacing of the heights, metres.
    x1, x2 : float
        Distances from the first point (m).

    Returns
    -------
    float
        Δh in metres; 0 when [x1, x2] spans fewer than two steps.

    Examples
    --------
    >>> round(terrain_irregularity(np.linspace(0.0, 500.0, 301), 30.0, 300.0, 8_700.0), 6)
    0.0
    >>> ridges = 100.0 * (np.arange(301) % 20 < 10)  # 100 m steps: interdecile 100 m, scaled
    >>> round(terrain_irregularity(ridges, 30.0, 300.0, 8_700.0))
    323
    """
    n_points = len(z) - 1
    xa, xb = x1 / step, x2 / step
    if xb - xa < 2:
        return 0.0
    ka = min(max(4, int(0.1 * (xb - xa + 8))), 25)
    n = 10 * ka - 5
    kb = n - ka + 1
    sn = n - 1
    k0 = int(xa + 1)
    offsets = np.add.accumulate(np.concatenate(([xa - k0], np.full(n - 1, (xb - xa) / sn))))
    moves = np.minimum(np.ceil(np.maximum(offsets, 0.0)).astype("int64"), max(n_points - k0, 0))
    k = k0 + moves
    frac = offsets - moves
    s = z[k] + (z[k] - z[k - 1]) * frac
    first, last = least_squares_ends(s, 1.0, 0.0, float(sn))
    trend = np.add.accumulate(np.concatenate(([first], np.full(n - 1, (last - first) / sn))))
    ranked = np.sort(s - trend)[::-1]
    spread = float(ranked[ka - 1] - ranked[kb - 1])
    return spread / (1 - 0.8 * math.exp(-(x2 - x1) / 50e3))


def profile_geometry(z: np.ndarray, step: float, hg: tuple[float, float], gme: float) -> dict:
    """The path parameters ITM's point-to-point mode derives from the profile (``qlrpfl``).

    Parameters
    ----------
    z : ndarray
        Ground heights (m), transmitter first, at least 2 points.
    step : float
        Spacing of the heights, metres.
    hg : (float, float)
        Antenna heights above ground, transmitter and receiver (m).
    gme : float
        Effective Earth curvature (1/m), from ``itmlogic``'s ``qlrps``.

    Returns
    -------
    dict
        ``dist`` (m), ``the`` (horizon angles, rad), ``dl`` (horizon
        distances, m), ``dh`` (Δh, m) and ``he`` (effective antenna
        heights, m): the keys ``itmlogic``'s ``lrprop`` reads from a
        point-to-point ``prop``.

    Examples
    --------
    >>> g = profile_geometry(np.zeros(334), 30.0, (30.0, 1.5), 1.0 / 8_500_000)
    >>> g["dist"], g["dh"], [round(h, 6) for h in g["he"]]
    (9990.0, 0.0, [30.0, 1.5])
    """
    z = np.asarray(z, dtype="float64")
    n = len(z) - 1
    dist = n * step
    the, dl = horizons(z, step, hg, gme)
    xl = [min(15 * hg[j], 0.1 * dl[j]) for j in range(2)]
    xl[1] = dist - xl[1]
    dh = terrain_irregularity(z, step, xl[0], xl[1])
    if dl[0] + dl[1] >= 1.5 * dist:
        za, zb = least_squares_ends(z, step, xl[0], xl[1])
        # itmlogic 1.2 reads pfl[np+1] here, the second-to-last point (see the module text).
        he = [hg[0] + max(z[0] - za, 0), hg[1] + max(z[n - 1] - zb, 0)]
        dl = [_horizon_distance(h, dh, gme) for h in he]
        q = dl[0] + dl[1]
        if q <= dist:
            q = (dist / q) ** 2
            he = [h * q for h in he]
            dl = [_horizon_distance(h, dh, gme) for h in he]
        the = []
        for j in range(2):
            q = math.sqrt(2 * he[j] / gme)
            the.append((0.65 * dh * (q / dl[j] - 1) - 2 * he[j]) / q)
    else:
        za, _ = least_squares_ends(z, step, xl[0], 0.9 * dl[0])
        _, zb = least_squares_ends(z, step, dist - 0.9 * dl[1], xl[1])
        he = [hg[0] + max(z[0] - za, 0), hg[1] + max(z[n] - zb, 0)]
    return {
        "dist": dist,
        "the": [float(t) for t in the],
        "dl": [float(d) for d in dl],
        "dh": dh,
        "he": [float(h) for h in he],
    }


def _horizon_distance(he: float, dh: float, gme: float) -> float:
    """Smooth-earth horizon distance shortened by terrain irregularity."""
    return math.sqrt(2 * he / gme) * math.exp(-0.07 * math.sqrt(dh / max(he, 5)))
