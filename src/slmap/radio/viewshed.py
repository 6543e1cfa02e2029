"""Viewshed of one antenna over a DEM window: the R2 radial sweep, vectorised over rays.

Rays leave the antenna's cell towards every cell of the perimeter of a square
window of half-size ``n`` cells. Along a ray the major axis advances one cell a
step and the minor coordinate is interpolated linearly between its two
neighbouring cells, so every cell of the window is crossed by at least one ray
(Franklin & Ray's R2). A cell is visible when, on some ray crossing it, its
receiver (ground + ``receiver_m``) is at or above the running maximum of the
elevation slope of the terrain before it. Heights are lowered by the Earth's
bulge ``d² / (2·k·R)``, which makes the test the same as
:func:`slmap.radio.predict.line_of_sight`: a point at distance ``d`` on the profile
of a path of length ``L`` blocks it when ``z(d) + d·(L − d)/(2·k·R)`` is
above the straight ray.

The ray geometry depends only on the window and pixel sizes, so it is built
once (:func:`ray_geometry`) and reused for every site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["RayGeometry", "ray_geometry", "viewshed"]

#: Samples processed at once: bounded temporaries, friendlier to the CPU cache.
_CHUNK_SAMPLES = 1 << 19


@dataclass
class RayGeometry:
    """Rays of a ``(2·n_rows+1) × (2·n_cols+1)`` window; the antenna sits in the centre cell.

    Attributes
    ----------
    n_rows, n_cols : int
        Half-sizes of the window in cells.
    pixel_x, pixel_y : float
        Cell width and height in metres.
    max_range_m : float
        Cells farther than this are never visible.
    k : float
        Effective Earth radius factor.
    """

    n_rows: int
    n_cols: int
    pixel_x: float
    pixel_y: float
    max_range_m: float
    k: float
    _chunks: list[tuple[np.ndarray, ...]] | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """Window shape (rows, columns)."""
        return (2 * self.n_rows + 1, 2 * self.n_cols + 1)

    @property
    def rays(self) -> np.ndarray:
        """``(rays, 2)`` perimeter offsets (row, column), one ray each."""
        dr, dc = _perimeter(self.n_rows, self.n_cols)
        return np.column_stack([dr, dc]).astype("int64")

    @property
    def chunks(self) -> list[tuple[np.ndarray, ...]]:
        """Per chunk of rays, ``(low, high, frac, curvature, inv_d, target_ok)``, ``(rays, steps)``.

        Flat indices of the two cells interpolated, the weight of ``high``,
        the Earth's bulge below the antenna's horizontal, ``1 / d`` (0 past
        the ray's end) and whether the nearest cell is a target (its centre
        within the range). Built on first use.
        """
        if self._chunks is None:
            self._chunks = _chunks(self)
        return self._chunks


def _perimeter(n_rows: int, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    cols = np.arange(-n_cols, n_cols + 1)
    rows = np.arange(-n_rows + 1, n_rows)
    dr = np.concatenate([np.full(cols.size, -n_rows), np.full(cols.size, n_rows), rows, rows])
    dc = np.concatenate([cols, cols, np.full(rows.size, -n_cols), np.full(rows.size, n_cols)])
    return dr, dc


def ray_geometry(
    n_rows: int, n_cols: int, pixel_x: float, pixel_y: float, max_range_m: float, k: float
) -> RayGeometry:
    """Rays from the centre of a window to every cell of its perimeter.

    Examples
    --------
    >>> g = ray_geometry(2, 2, 30.0, 30.0, 100.0, 4 / 3)
    >>> g.shape, len(g.rays), sum(c[0].shape[0] for c in g.chunks)
    ((5, 5), 16, 16)
    """
    return RayGeometry(int(n_rows), int(n_cols), pixel_x, pixel_y, max_range_m, k)


def _chunks(geometry: RayGeometry) -> list[tuple[np.ndarray, ...]]:
    from slmap.radio.predict import EARTH_RADIUS_M

    n_rows, n_cols = geometry.n_rows, geometry.n_cols
    width = 2 * n_cols + 1
    dr, dc = _perimeter(n_rows, n_cols)
    steps = int(max(n_rows, n_cols))
    per_chunk = max(1, _CHUNK_SAMPLES // steps)
    s = np.arange(1, steps + 1, dtype="float64")
    chunks = []
    for start in range(0, dr.size, per_chunk):
        r, c = dr[start : start + per_chunk, None], dc[start : start + per_chunk, None]
        major = np.maximum(np.abs(r), np.abs(c)).astype("float64")
        t = np.minimum(s / major, 1.0)  # rays shorter than ``steps`` repeat their last cell
        fr, fc = r * t, c * t
        row_major = np.abs(r) >= np.abs(c)
        lo_r = np.where(row_major, np.rint(fr), np.floor(fr))
        lo_c = np.where(row_major, np.floor(fc), np.rint(fc))
        frac = np.where(row_major, fc - lo_c, fr - lo_r)
        hi_r = np.where(row_major, lo_r, lo_r + 1)
        hi_c = np.where(row_major, lo_c + 1, lo_c)
        lo = (lo_r + n_rows) * width + lo_c + n_cols
        hi = np.where(frac == 0, lo, (hi_r + n_rows) * width + hi_c + n_cols)
        d = np.hypot(fr * geometry.pixel_y, fc * geometry.pixel_x)
        inv_d = np.where(s <= major, 1.0 / d, 0.0)
        near = frac < 0.5
        cell_r, cell_c = np.where(near, lo_r, hi_r), np.where(near, lo_c, hi_c)
        reach = np.hypot(cell_r * geometry.pixel_y, cell_c * geometry.pixel_x)
        target_ok = (s <= major) & (reach <= geometry.max_range_m)  # range to the cell centre
        chunks.append(
            (
                lo.astype("int32"),
                hi.astype("int32"),
                frac.astype("float32"),
                (d * d / (2.0 * geometry.k * EARTH_RADIUS_M)).astype("float32"),
                inv_d.astype("float32"),
                target_ok,
            )
        )
    return chunks


def viewshed(
    window: np.ndarray,
    geometry: RayGeometry,
    antenna_m: float,
    receiver_m: float,
) -> np.ndarray:
    """Cells of ``window`` seen from an antenna ``antenna_m`` above sea level at its centre.

    Parameters
    ----------
    window : ndarray
        ``geometry.shape`` float32 ground heights, NaN where unknown (a NaN
        cell never blocks and is never visible).
    geometry : RayGeometry
        From :func:`ray_geometry`.
    antenna_m : float
        Antenna height above sea level (ground + mast).
    receiver_m : float
        Receiver height above ground.

    Returns
    -------
    ndarray
        Boolean array of ``geometry.shape``.

    Examples
    --------
    >>> g = ray_geometry(3, 3, 30.0, 30.0, 1_000.0, 4 / 3)
    >>> w = np.zeros((7, 7), "float32"); w[3, 5] = 100.0
    >>> viewshed(w, g, 30.0, 1.5)[3].tolist()
    [True, True, True, True, True, True, False]
    """
    flat = np.ascontiguousarray(window, dtype="float32").ravel()
    seen = np.zeros(flat.size, dtype=bool)
    _sweep_numpy(flat, geometry, antenna_m, receiver_m, seen)
    centre = flat.size // 2
    seen[centre] = not np.isnan(flat[centre])
    return seen.reshape(geometry.shape)


def _sweep_numpy(flat, geometry, antenna_m, receiver_m, seen) -> None:
    antenna = np.float32(antenna_m)
    lift = np.float32(receiver_m)
    for lo, hi, frac, curvature, inv_d, target_ok in geometry.chunks:
        z_lo, z_hi = flat[lo], flat[hi]
        ground = z_lo + (z_hi - z_lo) * frac
        ground -= curvature
        ground -= antenna
        ground *= inv_d
        slope = np.nan_to_num(ground, nan=-np.inf)
        horizon = np.maximum.accumulate(slope, axis=1)
        target = np.where(frac < 0.5, z_lo, z_hi)
        cell = np.where(frac < 0.5, lo, hi)
        target += lift
        target -= curvature
        target -= antenna
        target *= inv_d
        visible = target_ok.copy()
        visible[:, 1:] &= target[:, 1:] >= horizon[:, :-1]
        visible &= ~np.isnan(target)
        seen[cell[visible]] = True
