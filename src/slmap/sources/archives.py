"""Zip archives (KMZ, zipped Shapefiles, Excel workbooks) checked before anything is inflated.

A few megabytes of zip can inflate to gigabytes (a 3.3 MB KMZ of 3.2 GB of
KML). Before a reader opens an archive, :func:`check_archive` sums the sizes
its members declare and refuses an archive above :data:`UNCOMPRESSED_LIMIT`,
or one above :data:`RATIO_FLOOR` whose members inflate more than
:data:`RATIO_LIMIT` times, naming the file and both sizes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from slmap.base.errors import InputError

__all__ = ["RATIO_FLOOR", "RATIO_LIMIT", "UNCOMPRESSED_LIMIT", "check_archive"]

#: The largest total uncompressed size of an archive's members read (1 GiB).
UNCOMPRESSED_LIMIT = 1 << 30
#: The largest inflation (uncompressed / compressed) accepted above :data:`RATIO_FLOOR`.
RATIO_LIMIT = 200
#: Below this total uncompressed size (64 MiB) any ratio is accepted.
RATIO_FLOOR = 64 << 20


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MiB"


def check_archive(path: str | Path, what: str = "archive") -> int | None:
    """The total uncompressed size of a zip archive's members, after checking it.

    ``None`` when the file is not a readable zip archive: the reader that opens
    it says what is wrong.

    Parameters
    ----------
    path : str or Path
        The zip file (KMZ, zipped Shapefile, .xlsx).
    what : str
        What the archive is, for messages.

    Raises
    ------
    InputError
        Members that would inflate above the limits.

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.kmz"
    >>> with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("doc.kml", "<kml/>")
    >>> check_archive(p)
    6
    """
    src = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # the reader says what is wrong with the file
    packed = sum(m.compress_size for m in members)
    total = sum(m.file_size for m in members)
    if total > UNCOMPRESSED_LIMIT:
        raise InputError(
            f"{src}: the {what} is {_mib(packed)} compressed but its members declare "
            f"{_mib(total)} uncompressed; expected at most {_mib(UNCOMPRESSED_LIMIT)} "
            "(unzip it and check what it holds)"
        )
    if total > RATIO_FLOOR and total > RATIO_LIMIT * max(packed, 1):
        raise InputError(
            f"{src}: the {what} is {_mib(packed)} compressed but its members declare "
            f"{_mib(total)} uncompressed ({total / max(packed, 1):,.0f} times); expected at "
            f"most {RATIO_LIMIT} times above {_mib(RATIO_FLOOR)} (a zip bomb?)"
        )
    return total
