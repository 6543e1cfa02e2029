"""Keys of the model cache: a SHA-256 of everything a cached result depends on.

Every argument of the function that builds the result (files by their path
*and* the hash of their bytes, in-memory frames by their content), slmap's
version with a hash of its own source and data files, and the versions of the
libraries that compute geometry and read the registry.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "LIBRARIES",
    "entry_key",
    "file_digest",
    "frame_digest",
    "source_digest",
]

#: Bumped when the layout of an entry changes: older entries are rebuilt.
FORMAT = 1
#: Libraries whose versions change what a build computes.
LIBRARIES = ("geopandas", "numpy", "pandas", "pyogrio", "pyproj", "shapely", "vietnamadminunits")


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes; a Shapefile includes its sidecar files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes(b"abc")
    >>> file_digest(p)[:12]
    'ba7816bf8f01'
    """
    path = Path(path)
    files = [path]
    if path.suffix.lower() == ".shp":
        stem = path.stem.lower()
        files = sorted(p for p in path.parent.iterdir() if p.stem.lower() == stem and p.is_file())
    digest = hashlib.sha256()
    for file in files:
        if len(files) > 1:
            digest.update(file.suffix.lower().encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def frame_digest(frame: Any) -> str:
    """SHA-256 of a (Geo)DataFrame's values, index and CRS (an in-memory input)."""
    import pandas as pd

    digest = hashlib.sha256(str(getattr(frame, "crs", None)).encode())
    digest.update(repr(list(frame.columns)).encode())
    plain = frame.drop(columns=[frame.geometry.name]) if hasattr(frame, "geometry") else frame
    digest.update(pd.util.hash_pandas_object(plain, index=True).to_numpy().tobytes())
    if hasattr(frame, "geometry"):
        wkb = frame.geometry.to_wkb(hex=True).fillna("")
        digest.update(pd.util.hash_pandas_object(wkb, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def source_digest() -> str:
    """slmap's version plus a hash of every file of the installed package."""
    from slmap.base.version import __version__

    root = Path(__file__).resolve().parents[1]  # the slmap package
    digest = hashlib.sha256(__version__.encode())
    for file in sorted(root.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _library_versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def _fingerprint(value: Any) -> Any:
    """A JSON-able stand-in for an argument: files by path and bytes, frames by content."""
    if isinstance(value, Path) or (isinstance(value, str) and os.path.isfile(value)):
        path = Path(value)
        where = {"given": str(value), "path": str(path.resolve())}  # messages name it as given
        if path.is_file():
            return {**where, "sha256": file_digest(path)}
        return {**where, "missing": True}
    if hasattr(value, "columns") and hasattr(value, "index"):
        return {"frame": frame_digest(value)}
    if isinstance(value, dict):
        return {str(k): _fingerprint(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_fingerprint(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot key the cache on a {type(value).__name__}")


def entry_key(kind: str, parts: dict[str, Any]) -> str:
    """The key of a result: its ``parts`` (arguments, input files), slmap and libraries.

    Examples
    --------
    >>> entry_key("models", {"province": "14"}) == entry_key("models", {"province": "14"})
    True
    >>> entry_key("models", {"province": "14"}) == entry_key("models", {"province": "11"})
    False
    """
    payload = {
        "format": FORMAT,
        "kind": kind,
        "parts": _fingerprint(parts),
        "slmap": source_digest(),
        "libraries": _library_versions(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
