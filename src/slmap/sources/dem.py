"""Terrain: read DEM tiles (any CRS, one or several) and sample ground heights.

Only the windows covering the area asked for are read, not whole rasters;
several tiles are mosaicked (and reprojected to one CRS when they differ).
The size of the window is checked against :data:`MAX_DEM_BYTES` before
anything is read or allocated. Heights are held as float32; nodata cells
become NaN. Heights are sampled bilinearly at points given in
any CRS (they are transformed to the DEM's CRS first), so a DEM in UTM and
the same DEM in lon/lat give the same answers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pyproj import CRS, Transformer

from slmap.base.errors import InputError

__all__ = [
    "DEM_SUFFIXES",
    "MAX_DEM_BYTES",
    "Dem",
    "check_window",
    "dem_files",
    "local_maxima",
    "pixel_coords",
    "pixel_size_m",
    "read_dem",
    "sample_heights",
]


@dataclass
class Dem:
    """Ground heights (metres) of a raster window.

    Attributes
    ----------
    heights : ndarray
        2-D float array (float32 when read by :func:`read_dem`), NaN where
        the DEM has no data.
    transform : affine.Affine
        Pixel (col, row) to DEM coordinates.
    crs : pyproj.CRS
        CRS of the DEM.
    source : str
        The file read.

    Structures derived from the heights (the padded height grid of the line
    of sight) are built once per DEM through :meth:`derived` and shared by
    every later call: replace ``heights`` by a new array to change them (an
    in-place edit of the array is not seen; :func:`read_dem`'s heights are
    read-only).
    """

    heights: np.ndarray
    transform: object
    crs: CRS
    source: str
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: str, build: Callable[[Dem], object]) -> object:
        """``build(self)``, computed on the first call for ``name`` and kept.

        Examples
        --------
        >>> from affine import Affine
        >>> d = Dem(np.zeros((2, 2)), Affine(1, 0, 0, 0, -1, 2), CRS(32648), "x")
        >>> d.derived("n", lambda dem: object()) is d.derived("n", lambda dem: object())
        True
        """
        heights, value = self.cache.get(name, (None, None))
        if heights is not self.heights:
            value = build(self)
            self.cache[name] = (self.heights, value)
        return value


DEM_SUFFIXES = (".tif", ".tiff", ".vrt")
#: Largest DEM window read, in bytes of float32 heights (2 GiB: 536,870,912 pixels,
#: e.g. 23,170 × 23,170; Sơn La plus 35 km at 30 m is about 40 million pixels). Reading
#: one file peaks at about 1.5 times the heights (the nodata mask, a byte a pixel).
MAX_DEM_BYTES = 2 * 1024**3


def check_window(source: str, rows: int, cols: int, limit: int = MAX_DEM_BYTES) -> None:
    """Refuse a DEM window of more than ``limit`` bytes of float32, before it is allocated.

    Raises
    ------
    InputError
        Naming the file, the window in pixels and bytes, and the limit.

    Examples
    --------
    >>> check_window("dem.tif", 1000, 1000)
    >>> try:
    ...     check_window("dem.tif", 210_000, 280_000)
    ... except InputError as exc:
    ...     print(str(exc)[:59])
    dem.tif: the DEM window needed is 280,000 × 210,000 pixels
    """
    size = int(rows) * int(cols) * 4
    if size > limit:
        raise InputError(
            f"{source}: the DEM window needed is {int(cols):,} × {int(rows):,} pixels "
            f"({int(rows) * int(cols):,} pixels, {size:,} bytes = {size / 1024**3:.1f} GiB of "
            f"float32 heights), more than the limit of {limit:,} bytes = "
            f"{limit / 1024**3:.1f} GiB ({limit // 4:,} pixels); expected a DEM clipped to "
            "the area, a coarser DEM or fewer/closer sites"
        )


def dem_files(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """The raster files named by ``paths``: files as given, folders expanded.

    A folder stands for every ``.tif``, ``.tiff`` and ``.vrt`` directly inside
    it, in name order.

    Raises
    ------
    InputError
        A path that does not exist, or a folder without any raster.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "b.tif").write_bytes(b""), (d / "a.TIF").write_bytes(b""), (d / "x.txt")
    >>> [p.name for p in dem_files(d)]
    ['a.TIF', 'b.tif']
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in DEM_SUFFIXES)
            if not found:
                raise InputError(
                    f"{path}: the DEM folder holds no raster "
                    f"(expected files ending {', '.join(DEM_SUFFIXES)})"
                )
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"{path}: DEM file not found (expected a GeoTIFF of ground heights)")
    if not out:
        raise InputError("no DEM given (expected one or more GeoTIFF files, a folder or a .vrt)")
    return out


def read_dem(
    path: str | Path | Sequence[str | Path],
    bounds_lonlat: tuple[float, float, float, float] | None = None,
) -> Dem:
    """Read DEM tiles, only the windows covering ``bounds_lonlat`` when given.

    One file is read through a window. Several tiles (files, a folder, a
    ``.vrt``) are mosaicked with :func:`rasterio.merge.merge` over the bounds,
    at the finest resolution among them; a tile in another CRS than the first
    tile that covers the bounds is reprojected to it on the fly (bilinear
    :class:`~rasterio.vrt.WarpedVRT`). Tiles that do not meet the bounds are
    not read. Nodata cells, and cells no tile covers, become NaN. Heights
    are float32.

    The size of the window (or of the mosaic) is computed from the headers
    and checked against :data:`MAX_DEM_BYTES` before anything is read.

    Parameters
    ----------
    path : str, Path or sequence of them
        Single-band rasters GDAL reads (GeoTIFF, VRT), or folders of them.
    bounds_lonlat : tuple, optional
        ``(west, south, east, north)`` in WGS84 degrees.

    Raises
    ------
    InputError
        Missing or unreadable file, a tile without CRS, no tile overlapping
        the bounds, or a window larger than :data:`MAX_DEM_BYTES`.

    Examples
    --------
    >>> import tempfile, pathlib, rasterio
    >>> from rasterio.transform import from_origin
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dem.tif"
    >>> with rasterio.open(p, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32",
    ...                    crs="EPSG:32648", transform=from_origin(500000, 2400000, 30, 30)) as ds:
    ...     ds.write(np.full((1, 4, 4), 250, "float32"))
    >>> read_dem(p).heights.shape
    (4, 4)
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    files = dem_files(path)
    with contextlib.ExitStack() as stack:
        tiles = []
        for file in files:
            try:
                ds = stack.enter_context(rasterio.open(file))
            except RasterioIOError as exc:
                raise InputError(f"{file}: cannot be read as a DEM raster ({exc})") from None
            if ds.crs is None:
                raise InputError(f"{file}: the DEM has no CRS (expected a georeferenced GeoTIFF)")
            tiles.append(ds)
        if bounds_lonlat is not None:
            tiles = [ds for ds in tiles if _meets(ds, bounds_lonlat)]
            if not tiles:
                raise InputError(
                    f"{', '.join(map(str, files))}: the DEM does not cover the villages and "
                    f"sites (expected heights over lon/lat {np.round(bounds_lonlat, 3).tolist()})"
                )
        source = ", ".join(str(ds.name) for ds in tiles)
        try:
            if len(tiles) == 1:
                data, transform = _read_window(tiles[0], bounds_lonlat)
            else:
                data, transform = _mosaic(tiles, bounds_lonlat, stack)
        except RasterioIOError as exc:
            raise InputError(f"{source}: cannot be read as a DEM ({exc})") from None
        crs = CRS.from_user_input(tiles[0].crs.to_wkt())
    data.flags.writeable = False  # shared by the structures built from it (Dem.derived)
    return Dem(data, transform, crs, source)


def _box(ds, bounds_lonlat) -> tuple[float, float, float, float]:
    from rasterio.warp import transform_bounds

    return transform_bounds("EPSG:4326", ds.crs, *bounds_lonlat)


def _meets(ds, bounds_lonlat) -> bool:
    west, south, east, north = _box(ds, bounds_lonlat)
    b = ds.bounds
    return west < b.right and east > b.left and south < b.top and north > b.bottom


def _read_window(ds, bounds_lonlat) -> tuple[np.ndarray, object]:
    from rasterio.windows import Window, from_bounds

    window = Window(0, 0, ds.width, ds.height)
    if bounds_lonlat is not None:
        want = from_bounds(*_box(ds, bounds_lonlat), transform=ds.transform)
        window = want.round_offsets().round_lengths().intersection(window)
    check_window(str(ds.name), window.height, window.width)
    # read in place, then blank the cells the dataset's mask marks as nodata: one float32
    # array and a byte a pixel of mask (a masked read would hold two float32 copies)
    data = ds.read(1, window=window, out_dtype="float32")
    data[ds.read_masks(1, window=window) == 0] = np.nan
    return data, ds.window_transform(window)


def _mosaic(tiles, bounds_lonlat, stack) -> tuple[np.ndarray, object]:
    from rasterio.enums import Resampling
    from rasterio.merge import merge
    from rasterio.vrt import WarpedVRT

    crs = tiles[0].crs
    sources = [
        ds
        if ds.crs == crs
        else stack.enter_context(WarpedVRT(ds, crs=crs, resampling=Resampling.bilinear))
        for ds in tiles
    ]
    box = None
    if bounds_lonlat is not None:
        west, south, east, north = _box(tiles[0], bounds_lonlat)
        edges = np.array([list(s.bounds) for s in sources])
        box = (
            max(west, edges[:, 0].min()),
            max(south, edges[:, 1].min()),
            min(east, edges[:, 2].max()),
            min(north, edges[:, 3].max()),
        )
    _check_mosaic(sources, box)
    data, transform = merge(
        sources, bounds=box, dtype="float32", nodata=np.nan, indexes=[1], use_highest_res=True
    )
    return data[0], transform


def _check_mosaic(sources, box) -> None:
    """The mosaic's size from the tiles' headers (finest resolution), checked before merging."""
    edges = np.array([list(s.bounds) for s in sources])
    west, south, east, north = box or (
        edges[:, 0].min(),
        edges[:, 1].min(),
        edges[:, 2].max(),
        edges[:, 3].max(),
    )
    xres = min(abs(s.res[0]) for s in sources)
    yres = min(abs(s.res[1]) for s in sources)
    rows = max(0, int(np.ceil((north - south) / yres)))
    cols = max(0, int(np.ceil((east - west) / xres)))
    check_window(", ".join(str(s.name) for s in sources), rows, cols)


def pixel_size_m(dem: Dem) -> float:
    """Approximate pixel size of the DEM in metres (smaller side).

    Examples
    --------
    >>> from affine import Affine
    >>> pixel_size_m(Dem(np.zeros((1, 1)), Affine(30, 0, 0, 0, -30, 0), CRS(32648), "x"))
    30.0
    """
    size = min(abs(dem.transform.a), abs(dem.transform.e))
    return float(size * 111_320.0) if dem.crs.is_geographic else float(size)


def pixel_coords(
    dem: Dem, x: np.ndarray, y: np.ndarray, crs: CRS | str
) -> tuple[np.ndarray, np.ndarray]:
    """Fractional (column, row) of points given in ``crs``, relative to pixel centres.

    The points are transformed to the DEM's CRS first (when it differs);
    ``(0, 0)`` is the centre of the top-left cell.

    Examples
    --------
    >>> from affine import Affine
    >>> d = Dem(np.zeros((2, 2)), Affine(1, 0, 0, 0, -1, 2), CRS(32648), "x")
    >>> [v.tolist() for v in pixel_coords(d, np.array([1.0]), np.array([1.0]), "EPSG:32648")]
    [[0.5], [0.5]]
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if not CRS.from_user_input(crs).equals(dem.crs):
        x, y = Transformer.from_crs(crs, dem.crs, always_xy=True).transform(x, y)
    inv = ~dem.transform
    col = inv.a * x + inv.b * y + inv.c - 0.5
    row = inv.d * x + inv.e * y + inv.f - 0.5
    return col, row


def sample_heights(dem: Dem, x: np.ndarray, y: np.ndarray, crs: CRS | str) -> np.ndarray:
    """Bilinear ground heights at points given in ``crs``; NaN outside or on nodata.

    Examples
    --------
    >>> from affine import Affine
    >>> d = Dem(np.array([[0.0, 10.0], [0.0, 10.0]]), Affine(1, 0, 0, 0, -1, 2), CRS(32648), "x")
    >>> sample_heights(d, np.array([1.0]), np.array([1.0]), "EPSG:32648").tolist()
    [5.0]
    """
    col, row = pixel_coords(dem, x, y, crs)
    rows, cols = dem.heights.shape
    c0 = np.floor(col).astype("int64")
    r0 = np.floor(row).astype("int64")
    fc, fr = col - c0, row - r0
    c0c, c1c = np.clip(c0, 0, cols - 1), np.clip(c0 + 1, 0, cols - 1)
    r0c, r1c = np.clip(r0, 0, rows - 1), np.clip(r0 + 1, 0, rows - 1)
    h = dem.heights
    top = h[r0c, c0c] * (1 - fc) + h[r0c, c1c] * fc
    bottom = h[r1c, c0c] * (1 - fc) + h[r1c, c1c] * fc
    out = top * (1 - fr) + bottom * fr
    outside = (col < -0.5) | (row < -0.5) | (col > cols - 0.5) | (row > rows - 0.5)
    out[outside] = np.nan
    return out


def local_maxima(dem: Dem, block_px: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Highest cell of each ``block_px`` × ``block_px`` block: (x, y, height) in DEM CRS.

    Examples
    --------
    >>> from affine import Affine
    >>> h = np.arange(16.0).reshape(4, 4)
    >>> x, y, z = local_maxima(Dem(h, Affine(1, 0, 0, 0, -1, 4), CRS(32648), "x"), 2)
    >>> z.tolist()
    [5.0, 7.0, 13.0, 15.0]
    """
    h = dem.heights
    rows, cols = h.shape
    pr, pc = (-rows) % block_px, (-cols) % block_px
    padded = np.pad(h, ((0, pr), (0, pc)), constant_values=np.nan)
    br, bc = padded.shape[0] // block_px, padded.shape[1] // block_px
    blocks = padded.reshape(br, block_px, bc, block_px).transpose(0, 2, 1, 3).reshape(br, bc, -1)
    filled = np.where(np.isnan(blocks), -np.inf, blocks)
    arg = filled.argmax(axis=2)
    best = np.take_along_axis(filled, arg[..., None], axis=2)[..., 0]
    keep = np.isfinite(best)
    bi, bj = np.nonzero(keep)
    a = arg[keep]
    r = bi * block_px + a // block_px
    c = bj * block_px + a % block_px
    t = dem.transform
    x = t.a * (c + 0.5) + t.b * (r + 0.5) + t.c
    y = t.d * (c + 0.5) + t.e * (r + 0.5) + t.f
    return x, y, best[keep]
