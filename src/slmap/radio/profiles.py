"""Line of sight of many point pairs over a DEM, sampled in the DEM's pixel space.

Each pair's two ends are transformed to the DEM's pixel coordinates once; the
profile between them is sampled along the straight pixel-space segment, one
bilinear height at least every ``step_m`` (default: the pixel size), with
numpy gathers on the height grid in float32. The clearance test is the rule
of :func:`slmap.radio.predict.line_of_sight`: the ray from ``z₀ + h₁`` to
``z₁ + h₂`` must pass above every inner sample of the terrain raised by the
Earth's bulge ``d·(L − d) / (2·k·R)``. Written as one expression of the
profile fraction ``t = d / L``::

    blocked  ⇔  z(t) > A + t·(B − C + C·t)
    A = z₀ + h₁,  B = (z₁ + h₂) − A,  C = L² / (2·k·R)

Pairs are processed in chunks of similar lengths (bounded memory) and in
passes from coarse to full (:data:`STRIDES`: every 64th sample, every 8th,
then every sample), each pass over the pairs the passes before left clear. A
pair blocked in a coarse pass is blocked in the full one (its samples are a
subset), so the answer is that of the full profile; in mountains most pairs
stop in the first pass.

Heights are float32: a ray grazing the terrain within about a centimetre
may come out either way.

Missing terrain makes an answer unknown (NaN), never "blocked" or "clear" by
default: a pair whose end has no height (nodata or outside the DEM) is
unknown; a pair that known terrain blocks is blocked; a pair that no known
sample blocks but whose profile crosses nodata is unknown too (the missing
terrain could block it). Only a profile with every sample known is clear.

The padded float32 height grid is built once per DEM (:meth:`HeightGrid.of`)
and shared by every later call on the same DEM.
"""

from __future__ import annotations

import numpy as np
from pyproj import CRS

from slmap.sources.dem import Dem, pixel_coords, pixel_size_m

__all__ = ["CHUNK_SAMPLES", "STRIDES", "HeightGrid", "clear_of_terrain"]

#: Profile samples held in memory at once (pairs × samples per pair).
CHUNK_SAMPLES = 2_000_000
#: Sample strides of the passes, coarse to full: each pass looks only at the pairs
#: the passes before it left clear.
STRIDES = (64, 8, 1)


class HeightGrid:
    """A DEM's heights as a flat float32 array, for bilinear gathers in pixel space.

    Parameters
    ----------
    dem : Dem
        Ground heights (NaN where there is no data).

    Examples
    --------
    >>> from affine import Affine
    >>> g = HeightGrid(Dem(np.array([[0.0, 10.0], [0.0, 10.0]]), Affine(1, 0, 0, 0, -1, 2),
    ...                    CRS(32648), "x"))
    >>> g.bilinear(np.array([0.5], "float32"), np.array([0.0], "float32")).tolist()
    [5.0]
    """

    @staticmethod
    def of(dem: Dem) -> HeightGrid:
        """The DEM's grid, built on the first call and shared by the later ones.

        Examples
        --------
        >>> from affine import Affine
        >>> d = Dem(np.zeros((2, 2)), Affine(1, 0, 0, 0, -1, 2), CRS(32648), "x")
        >>> HeightGrid.of(d) is HeightGrid.of(d)
        True
        """
        return dem.derived("height_grid", HeightGrid)  # type: ignore[return-value]

    def __init__(self, dem: Dem) -> None:
        heights = np.asarray(dem.heights)
        self.rows, self.cols = heights.shape
        # one edge cell repeated on every side: the four neighbours of any point on the
        # DEM exist, and beyond the outer pixel centres the edge height holds
        grid = np.empty((self.rows + 2, self.cols + 2), dtype="float32")
        grid[1:-1, 1:-1] = heights
        grid[0, 1:-1], grid[-1, 1:-1] = heights[0], heights[-1]
        grid[:, 0], grid[:, -1] = grid[:, 1], grid[:, -2]
        self.width = grid.shape[1]
        self.flat = grid.ravel()

    def inside(self, col: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Pixel coordinates (relative to pixel centres) that fall on the DEM."""
        return (col >= -0.5) & (row >= -0.5) & (col <= self.cols - 0.5) & (row <= self.rows - 0.5)

    def bilinear(self, col: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Bilinear heights at pixel coordinates of points on the DEM.

        Parameters
        ----------
        col, row : ndarray
            float32 pixel coordinates relative to pixel centres, on the DEM
            (see :meth:`inside`); same shape. Between the outer pixel centres
            and the DEM's edge the edge heights hold.

        Returns
        -------
        ndarray
            float32 heights, NaN where a neighbouring cell has no data.
        """
        col = col + np.float32(1.0)  # to the padded grid
        row = row + np.float32(1.0)
        c0 = np.floor(col)
        r0 = np.floor(row)
        i = r0.astype("intp")
        i *= self.width
        i += c0.astype("intp")
        col -= c0  # fractions
        row -= r0
        h = self.flat
        top = h[i]
        top += (h[i + 1] - top) * col
        i += self.width
        bottom = h[i]
        bottom += (h[i + 1] - bottom) * col
        bottom -= top
        bottom *= row
        top += bottom
        return top


def clear_of_terrain(
    dem: Dem,
    crs: CRS | str,
    a_xy: np.ndarray,
    b_xy: np.ndarray,
    height_a: np.ndarray,
    height_b: float,
    *,
    k: float,
    earth_radius_m: float,
    step_m: float | None = None,
) -> np.ndarray:
    """Whether the ray between each pair's two raised ends clears the terrain.

    Parameters
    ----------
    dem : Dem
        Ground heights.
    crs : CRS or str
        Projected CRS (metres) of ``a_xy`` and ``b_xy``; distances along the
        path are measured in it.
    a_xy, b_xy : ndarray
        ``(n, 2)`` coordinates of the two ends of each pair.
    height_a : ndarray
        Height above ground of each pair's first end (the antenna).
    height_b : float
        Height above ground of the second end (the receiver).
    k, earth_radius_m : float
        Effective Earth radius factor and the Earth's radius.
    step_m : float, optional
        Largest spacing of the samples; default the DEM pixel size (at least 5 m).

    Returns
    -------
    ndarray
        Float array: 1.0 clear, 0.0 blocked, NaN unknown (an end without
        height, or a profile that known terrain does not block but that
        crosses nodata).

    Examples
    --------
    >>> from affine import Affine
    >>> flat = Dem(np.zeros((10, 2000)), Affine(30, 0, 0, 0, -30, 300), CRS(32648), "flat")
    >>> a = np.array([[15.0, 150.0], [15.0, 150.0]])
    >>> b = np.array([[25_015.0, 150.0], [30_015.0, 150.0]])
    >>> clear_of_terrain(flat, "EPSG:32648", a, b, np.array([30.0, 30.0]), 1.5,
    ...                  k=4 / 3, earth_radius_m=6_371_000.0).tolist()
    [1.0, 0.0]
    """
    n = len(a_xy)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    grid = HeightGrid.of(dem)
    ca, ra = pixel_coords(dem, a_xy[:, 0], a_xy[:, 1], crs)
    cb, rb = pixel_coords(dem, b_xy[:, 0], b_xy[:, 1], crs)
    ok = grid.inside(ca, ra) & grid.inside(cb, rb)
    za = np.full(n, np.nan)
    zb = np.full(n, np.nan)
    za[ok] = grid.bilinear(ca[ok], ra[ok])
    zb[ok] = grid.bilinear(cb[ok], rb[ok])
    ok &= ~(np.isnan(za) | np.isnan(zb))
    length = np.hypot(*(b_xy - a_xy).T)
    step = max(step_m or pixel_size_m(dem), 5.0)
    # samples per pair: in metres along the path and in pixels of the grid (a lon/lat DEM)
    pixels = np.maximum(np.abs(cb - ca), np.abs(rb - ra)) * (pixel_size_m(dem) / step)
    segments = np.ceil(np.maximum(length / step, pixels)).astype("int64") + 1
    a = za + height_a
    b = zb + height_b - a
    c = length**2 / (2.0 * k * earth_radius_m)
    params = np.column_stack([ca, cb - ca, ra, rb - ra, a, b - c, c]).astype("float32")
    idx = np.flatnonzero(ok)
    blocked, gap = _blocked(grid, params[idx], segments[idx])
    out[idx] = np.where(blocked, 0.0, np.where(gap, np.nan, 1.0))
    return out


def _blocked(
    grid: HeightGrid, params: np.ndarray, segments: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Passes from coarse to full, each over the pairs still clear.

    Returns the blocked flags and, for the pairs not blocked, whether their
    profile crosses nodata (the full pass, stride 1, sees every sample).
    """
    blocked = np.zeros(len(segments), dtype=bool)
    gap = np.zeros(len(segments), dtype=bool)
    for stride in STRIDES:
        still = np.flatnonzero(~blocked)
        blocked[still], gap[still] = _pass(grid, params[still], segments[still], stride)
    return blocked, gap


def _pass(
    grid: HeightGrid, params: np.ndarray, segments: np.ndarray, stride: int
) -> tuple[np.ndarray, np.ndarray]:
    """Blocked and nodata flags from the inner samples ``j = stride, 2·stride, … < segments``."""
    blocked = np.zeros(len(segments), dtype=bool)
    gap = np.zeros(len(segments), dtype=bool)
    counts = (segments - 1) // stride  # inner samples taken per pair
    order = np.argsort(-counts, kind="stable")
    start = 0
    while start < len(order) and counts[order[start]] > 0:
        width = int(counts[order[start]])
        stop = min(len(order), start + max(1, CHUNK_SAMPLES // width))
        idx = order[start:stop]
        blocked[idx], gap[idx] = _chunk(
            grid, params[idx], segments[idx], counts[idx], width, stride
        )
        start = stop
    return blocked, gap


def _chunk(grid, params, segments, counts, width, stride) -> tuple[np.ndarray, np.ndarray]:
    j = np.arange(1, width + 1, dtype="float32") * stride
    # a pair with fewer samples than the chunk's widest repeats its last inner sample
    j = np.minimum(j[None, :], (counts * stride).astype("float32")[:, None])
    t = j / segments.astype("float32")[:, None]
    c0, dc, r0, dr, a, b_minus_c, c = (p[:, None] for p in params.T)
    z = grid.bilinear(c0 + dc * t, r0 + dr * t)
    ray = a + t * (b_minus_c + c * t)
    # only the full pass (stride 1) sees every sample: nodata is looked for there alone
    gap = np.isnan(z).any(axis=1) if stride == 1 else np.zeros(len(z), dtype=bool)
    return (z > ray).any(axis=1), gap
