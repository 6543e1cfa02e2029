"""Pinned public boundary sources: data folder, user cache and download.

The two pinned files (DESIGN §3.2) are looked for, in order, in
``SLMAP_DATA_DIR`` and in the user cache folder (``SLMAP_CACHE_DIR``, else
``$XDG_CACHE_HOME/slmap``, else ``~/.cache/slmap``; ``%LOCALAPPDATA%\\slmap``
on Windows). :func:`fetch_upstream` downloads them, checks their SHA-256 and
writes them atomically into the cache: the network is touched only then.

The transfer itself is pooch's: it streams into a temporary file beside the
destination, checks the pinned hash and only then moves the file into place,
removing the temporary file on any failure (interrupted transfer, hash
mismatch, full disk). slmap keeps the parts pooch does not do its way: a
verified cached file is reused without any request, every failure becomes a
one-line :class:`~slmap.base.errors.DownloadError`, and pooch's own log lines are
kept off the terminal.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from slmap.base.errors import BoundariesNotFoundError, DownloadError

__all__ = [
    "PINNED",
    "PinnedFile",
    "cache_dir",
    "check_data_dir",
    "fetch_upstream",
    "find_pinned",
    "search_folders",
]


@dataclass(frozen=True)
class PinnedFile:
    """One pinned public file: where it comes from and its exact bytes' hash."""

    key: str
    filename: str
    repository: str
    commit: str
    path: str
    sha256: str
    licence: str
    content: str

    @property
    def url(self) -> str:
        """Download address, pinned to the commit."""
        return f"https://raw.githubusercontent.com/{self.repository}/{self.commit}/{self.path}"


PINNED: dict[str, PinnedFile] = {
    "communes": PinnedFile(
        key="communes",
        filename="vietnam-3d-map_wards_14.json",
        repository="lamngockhuong/vietnam-3d-map",
        commit="dc6095c45a49279d6c24f4de6cf00f4b2b04a90d",
        path="public/wards/14.json",
        sha256="e85a780a0abaa16276aecc8dfbc63c8d0bd57d5529e3b020a1152376a888a366",
        licence="MIT (repository); upstream gis.vn terms not stated",
        content="the 75 communes of Sơn La, 2025 layout",
    ),
    "districts": PinnedFile(
        key="districts",
        filename="dvhcvn_gis_14.json",
        repository="daohoangson/dvhcvn",
        commit="4b1b6b59c5880c620722663bcb48c5c105364be5",
        path="data/gis/14.json",
        sha256="6017cca52a57b755aff0b29407195f85f2f685224e4fa0becbdced52fecf9e11",
        licence="GPL-3.0 (repository); upstream gis.chinhphu.vn",
        content="Sơn La province outline and its 12 former districts (2019)",
    ),
}


def cache_dir() -> Path:
    """Return the user cache folder of slmap (not created).

    Examples
    --------
    >>> cache_dir().name
    'slmap'
    """
    if os.environ.get("SLMAP_CACHE_DIR"):
        return Path(os.environ["SLMAP_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "slmap"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "slmap"


def search_folders() -> list[Path]:
    """Folders searched for pinned files: ``SLMAP_DATA_DIR`` then the cache.

    Raises
    ------
    BoundariesNotFoundError
        ``SLMAP_DATA_DIR`` is set but is not a folder, or holds none of the
        pinned files: a folder the user named is never passed over in silence.
        The message names the folder, the files expected and, when they lie in
        a subfolder (e.g. ``upstream/``), that subfolder.
    """
    folders = []
    if os.environ.get("SLMAP_DATA_DIR"):
        folders.append(check_data_dir(Path(os.environ["SLMAP_DATA_DIR"])))
    folders.append(cache_dir())
    return folders


def check_data_dir(folder: Path) -> Path:
    """Return ``folder`` if it holds at least one pinned file, else raise with what to do.

    Examples
    --------
    >>> check_data_dir(Path("/no/such/folder"))
    Traceback (most recent call last):
    ...
    slmap.base.errors.BoundariesNotFoundError: SLMAP_DATA_DIR=/no/such/folder: no such folder; ...
    """
    files = [p.filename for p in PINNED.values()]
    expected = f"expected a folder holding {' and/or '.join(files)}"
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "no such folder"
        raise BoundariesNotFoundError(
            f"SLMAP_DATA_DIR={folder}: {what}; {expected} (or unset SLMAP_DATA_DIR)"
        )
    if any((folder / name).is_file() for name in files):
        return folder
    found = sorted({str(p.parent) for name in files for p in _limited_glob(folder, name)}, key=len)
    hint = f"; they are in {found[0]}: set SLMAP_DATA_DIR={found[0]}" if found else ""
    raise BoundariesNotFoundError(
        f"SLMAP_DATA_DIR={folder}: none of the pinned files is there; {expected}{hint}"
    )


def _limited_glob(folder: Path, name: str, depth: int = 3) -> list[Path]:
    """``name`` in subfolders of ``folder`` down to ``depth`` levels."""
    hits: list[Path] = []
    for level in range(1, depth + 1):
        hits += [p for p in folder.glob("/".join(["*"] * level + [name])) if p.is_file()]
    return hits


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_pinned(key: str) -> Path | None:
    """Return the first readable copy of a pinned file, or ``None``.

    Files in ``SLMAP_DATA_DIR`` are the user's and are used as they are; files
    in the cache are checked against their SHA-256 (a corrupt one is ignored).
    """
    pinned = PINNED[key]
    cache = cache_dir()
    for folder in search_folders():
        candidate = folder / pinned.filename
        if candidate.is_file():
            if folder == cache and _sha256(candidate) != pinned.sha256:
                continue
            return candidate
    return None


def fetch_upstream(
    keys: tuple[str, ...] = ("communes", "districts"),
    *,
    target: Path | None = None,
    base_url: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> dict[str, Path]:
    """Download the pinned files, verify SHA-256, write them atomically.

    Parameters
    ----------
    keys : tuple of str
        Which pinned files ("communes", "districts").
    target : Path, optional
        Destination folder; default :func:`cache_dir`.
    base_url : str, optional
        Replace ``https://raw.githubusercontent.com`` (a mirror, or a local
        test server); the repository/commit/path part is kept.
    timeout : float
        Seconds before a stalled connection is given up.
    progress : callable, optional
        Called as ``progress(filename, bytes_so_far, total_or_None)``.

    Returns
    -------
    dict
        key -> path of the verified file.

    Raises
    ------
    DownloadError
        Network failure, interrupted transfer or checksum mismatch; nothing
        is left in the target folder in that case.

    Examples
    --------
    >>> fetch_upstream()  # doctest: +SKIP
    {'communes': PosixPath('~/.cache/slmap/vietnam-3d-map_wards_14.json'), ...}
    """
    target = Path(target) if target is not None else cache_dir()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"{target}: cannot create the cache folder ({exc.strerror})") from None
    out: dict[str, Path] = {}
    for key in keys:
        pinned = PINNED[key]
        dest = target / pinned.filename
        if dest.is_file() and _sha256(dest) == pinned.sha256:
            out[key] = dest
            continue
        url = pinned.url
        if base_url:
            url = f"{base_url.rstrip('/')}/{pinned.repository}/{pinned.commit}/{pinned.path}"
        out[key] = _download(url, dest, pinned.sha256, timeout, progress)
    return out


class _Progress:
    """The progress-bar object pooch's downloader drives, turned into ``progress`` calls."""

    def __init__(self, name: str, progress: Callable[[str, int, int | None], None]) -> None:
        self.name, self.progress = name, progress
        self.total: int | None = None
        self.done = 0

    def update(self, n: int) -> None:
        # pooch counts whole chunks: never report more than the announced size
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        self.progress(self.name, self.done, self.total or None)

    def reset(self) -> None:
        self.done = 0

    def close(self) -> None:
        """Nothing to release."""


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Keep pooch's "Downloading data from..." lines off stderr (one line per problem)."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _download(
    url: str,
    dest: Path,
    sha256: str,
    timeout: float,
    progress: Callable[[str, int, int | None], None] | None,
) -> Path:
    import pooch
    import requests

    bar = _Progress(dest.name, progress) if progress else False
    downloader = pooch.HTTPDownloader(timeout=timeout, progressbar=bar)
    try:
        with _quiet_pooch():
            pooch.retrieve(
                url,
                known_hash=f"sha256:{sha256}",
                fname=dest.name,
                path=dest.parent,
                downloader=downloader,
            )
    except ValueError as exc:  # pooch: the downloaded file's hash is not the pinned one
        got = re.search(r"but got (\w+)", str(exc))
        raise DownloadError(
            f"{url}: checksum mismatch (expected sha256 {sha256}, got "
            f"{got[1] if got else 'another hash'}); the file was not saved"
        ) from None
    except (requests.RequestException, OSError) as exc:
        raise DownloadError(f"{url}: download failed ({exc})") from None
    return dest
