"""The model cache: work slmap did once, kept on disk for the next command.

Two kinds of entries live in the user cache folder
(:func:`slmap.sources.upstream.cache_dir`), beside the downloaded boundary
files: ``models/`` holds validated, joined coverage models and ``approx/``
approximate commune boundaries. Each entry is one file, ``<key>.zip``: a
``meta.json`` (everything that is not a table: provenance, problems, frame
``attrs``) and one GeoParquet (or Parquet) file per table.

The key is a SHA-256 of everything the result depends on: every argument of
the function that builds it (files by their path *and* the hash of their
bytes), slmap's version with a hash of its own source and data files (the
version number does not change between commits), and the versions of the
libraries that compute geometry and read the registry. A changed input gives
a new key; an entry that cannot be read (truncated, corrupt, written by an
older format) is removed and rebuilt in silence: the cache never turns into
an error. Entries are written atomically (temporary file, then
:func:`os.replace`). When an entry is written, the entries
another slmap source wrote (an older version: their keys can never be asked
for again) are removed. Eviction: when the entries together pass
:data:`MAX_BYTES` (``SLMAP_CACHE_MAX_MB`` overrides it), the least recently
used ones are removed, never the one just written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from slmap.base.errors import ExportError, Problem
from slmap.sources import cache_keys
from slmap.sources.cache_frames import (
    geo_description,
    geo_from_wkb,
    index_as_columns,
    index_from_columns,
)
from slmap.sources.cache_keys import FORMAT, entry_key, file_digest, frame_digest, source_digest
from slmap.sources.upstream import PINNED, cache_dir

__all__ = [
    "KINDS",
    "MAX_BYTES",
    "CacheEntry",
    "bypassed",
    "cached",
    "cached_geoframe",
    "clear",
    "entries",
    "entry_key",
    "file_digest",
    "frame_digest",
    "problems_from_json",
    "problems_to_json",
    "size_cap",
    "source_digest",
]

#: Entry folders of the cache and what they hold.
KINDS = {
    "models": "validated, joined coverage models",
    "approx": "approximate commune boundaries",
}
#: Size cap of all entries together (bytes), unless ``SLMAP_CACHE_MAX_MB`` is set.
MAX_BYTES = 1_000_000_000

_BYPASS: ContextVar[bool] = ContextVar("slmap_cache_bypass", default=False)


@dataclasses.dataclass(frozen=True)
class CacheEntry:
    """One cached result on disk."""

    kind: str
    path: Path
    size: int
    about: str
    last_used: float


@contextlib.contextmanager
def bypassed() -> Iterator[None]:
    """Within this block nothing is read from or written to the cache (``--no-cache``).

    Examples
    --------
    >>> with bypassed():
    ...     cached("models", {"x": 1}, lambda: 2, lambda v: ({}, {}), lambda m, f: 0)
    2
    """
    token = _BYPASS.set(True)
    try:
        yield
    finally:
        _BYPASS.reset(token)


def problems_to_json(problems: list[Problem]) -> list[dict[str, Any]]:
    """Problems as JSON-able dicts (numpy integers become Python ones)."""
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in dataclasses.asdict(p).items()}
        for p in problems
    ]


def problems_from_json(items: list[dict[str, Any]]) -> list[Problem]:
    """The inverse of :func:`problems_to_json`.

    Examples
    --------
    >>> p = [Problem("a.csv", "expected 4g", row=3, column="Sóng", severity="warning")]
    >>> problems_from_json(problems_to_json(p)) == p
    True
    """
    return [Problem(**item) for item in items]


def _folder(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown cache kind {kind!r}; expected one of {', '.join(KINDS)}")
    return cache_dir() / kind


def _read(kind: str, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The entry's meta and frames, or None when absent or unreadable (then removed)."""
    path = _folder(kind) / f"{key}.zip"
    if not path.is_file():
        return None
    try:
        import pandas as pd

        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("meta.json"))
            if meta.get("key") != key or meta.get("format") != FORMAT:
                raise ValueError("stale entry")
            frames: dict[str, Any] = {}
            for name, how in meta["frames"].items():
                if how is None:
                    frames[name] = None
                    continue
                data = io.BytesIO(archive.read(f"{name}.parquet"))
                frame = index_from_columns(pd.read_parquet(data, use_threads=False), meta, name)
                if how is not None and how != "plain":
                    frame = geo_from_wkb(frame, how)
                frame.attrs = meta["attrs"].get(name, {})
                frames[name] = frame
        os.utime(path)  # last used: eviction removes the least recently used first
        return meta, frames
    except Exception:  # a truncated, corrupt or stale entry: remove it, rebuild in silence
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def _write(kind: str, key: str, meta: dict[str, Any], frames: dict[str, Any]) -> Path | None:
    """Write one entry atomically; None when it could not be written (nothing left behind)."""
    import geopandas as gpd
    import pandas as pd

    folder = _folder(kind)
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kinds: dict[str, Any] = {}
        attrs: dict[str, Any] = {}
        indexes: dict[str, Any] = {}
        with tempfile.NamedTemporaryFile(
            dir=folder, prefix=".tmp-", suffix=".zip", delete=False
        ) as handle:
            tmp_name = handle.name
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
                for name, frame in frames.items():
                    kinds[name] = None
                    if frame is None:
                        continue
                    kinds[name] = "plain"
                    attrs[name] = dict(frame.attrs)
                    if isinstance(frame, gpd.GeoDataFrame):
                        kinds[name] = geo_description(frame)
                        frame = pd.DataFrame(frame.to_wkb())
                    frame, indexes[name] = index_as_columns(frame)
                    data = io.BytesIO()
                    frame.to_parquet(data)
                    archive.writestr(f"{name}.parquet", data.getvalue())
                full = {**meta, "key": key, "format": FORMAT, "frames": kinds, "attrs": attrs}
                full["index"] = indexes
                full["created"] = time.time()
                full["source"] = cache_keys.source_digest()
                archive.writestr("meta.json", json.dumps(full, ensure_ascii=False))
            handle.flush()
            os.fsync(handle.fileno())
        target = folder / f"{key}.zip"
        os.replace(tmp_name, target)
        return target
    except Exception:  # a cache that cannot be written only costs time next run
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        return None


def size_cap() -> int:
    """The size cap in bytes: ``SLMAP_CACHE_MAX_MB`` when it is a number, else :data:`MAX_BYTES`."""
    with contextlib.suppress(ValueError):
        return int(float(os.environ.get("SLMAP_CACHE_MAX_MB", "")) * 1_000_000)
    return MAX_BYTES


def _drop_other_versions(keep: Path) -> None:
    """Remove the entries another slmap source wrote (never hit again by this one)."""
    current = cache_keys.source_digest()  # through the module: tests stand in another
    for entry in entries(describe=False):
        if entry.path == keep:
            continue
        try:
            with zipfile.ZipFile(entry.path) as archive:
                source = json.loads(archive.read("meta.json")).get("source")
        except Exception:  # unreadable: removed too (it would be on its next read)
            source = None
        if source != current:
            with contextlib.suppress(OSError):
                entry.path.unlink()


def _evict(keep: Path) -> None:
    """Remove least recently used entries until all fit under the cap (``keep`` stays)."""
    found = sorted(entries(describe=False), key=lambda e: e.last_used, reverse=True)
    total = 0
    for entry in found:
        total += entry.size
        if total > size_cap() and entry.path != keep:
            with contextlib.suppress(OSError):
                entry.path.unlink()
            total -= entry.size


def cached(
    kind: str,
    parts: dict[str, Any],
    build: Callable[[], Any],
    dump: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]],
    load: Callable[[dict[str, Any], dict[str, Any]], Any],
    about: str = "",
) -> Any:
    """Return ``build()``'s result from the cache, or build it and keep it.

    Parameters
    ----------
    kind : {"models", "approx"}
        Entry folder.
    parts : dict
        Everything the result depends on besides slmap and its libraries:
        arguments, input paths (hashed by their bytes), in-memory frames.
    build : callable
        Makes the result (its errors propagate; nothing is kept then).
    dump, load : callable
        ``dump(result) -> (meta, frames)`` with a JSON-able ``meta`` and
        frames (GeoDataFrame, DataFrame or None); ``load(meta, frames)``
        gives the result back.
    about : str
        What the entry is for, shown by ``slmap cache info``.

    Examples
    --------
    >>> calls = []
    >>> build = lambda: calls.append(1) or 42
    >>> dump = lambda v: ({"v": v}, {})
    >>> load = lambda meta, frames: meta["v"]
    >>> cached("approx", {"n": 1}, build, dump, load), cached("approx", {"n": 1}, build, dump, load)
    (42, 42)
    >>> len(calls)
    1
    """
    if _BYPASS.get():
        return build()
    try:
        key = entry_key(kind, parts)
    except (OSError, TypeError, ValueError):  # an input that cannot be keyed: no caching
        return build()
    hit = _read(kind, key)
    if hit is not None:
        try:
            return load(*hit)
        except Exception:  # an entry in an unexpected shape: rebuild
            pass
    result = build()
    try:
        meta, frames = dump(result)
    except (TypeError, ValueError):
        return result
    written = _write(kind, key, {**meta, "about": about}, frames)
    if written is not None:
        _drop_other_versions(written)
        _evict(written)
    return result


def cached_geoframe(kind: str, parts: dict[str, Any], build: Callable, about: str = "") -> tuple:
    """:func:`cached` for a builder returning ``(GeoDataFrame, list of Problem)``."""

    def dump(value: tuple) -> tuple[dict[str, Any], dict[str, Any]]:
        frame, problems = value
        json.dumps(frame.attrs)  # raises TypeError when the attrs cannot be kept
        return {"problems": problems_to_json(problems)}, {"frame": frame}

    def load(meta: dict[str, Any], frames: dict[str, Any]) -> tuple:
        return frames["frame"], problems_from_json(meta["problems"])

    return cached(kind, parts, build, dump, load, about)


def entries(describe: bool = True) -> list[CacheEntry]:
    """Every entry in the cache folder, newest use first (``describe`` reads what each is for)."""
    found = []
    for kind in KINDS:
        folder = cache_dir() / kind
        if not folder.is_dir():
            continue
        for path in folder.glob("*.zip"):
            if path.name.startswith(".tmp-"):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            about = ""
            if describe:
                try:
                    with zipfile.ZipFile(path) as archive:
                        about = json.loads(archive.read("meta.json")).get("about", "")
                except Exception:
                    about = "unreadable (rebuilt on next use)"
            found.append(CacheEntry(kind, path, stat.st_size, about, stat.st_mtime))
    return sorted(found, key=lambda e: e.last_used, reverse=True)


def clear(everything: bool = False) -> list[tuple[Path, int]]:
    """Remove every model and approximation (and, with ``everything``, the downloads).

    Returns the files removed with their sizes. Downloaded boundary files are
    the pinned files in the cache folder; other files there are never touched.

    Raises
    ------
    ExportError
        Files that could not be removed (a read-only folder), after removing
        every file that could be.

    Examples
    --------
    >>> clear()  # the tests' cache folder is empty
    []
    """
    removed = []
    failed: list[tuple[Path, OSError]] = []
    targets = [p for kind in KINDS for p in sorted((cache_dir() / kind).glob("*.zip"))]
    targets += [p for kind in KINDS for p in sorted((cache_dir() / kind).glob(".tmp-*"))]
    if everything:
        targets += [cache_dir() / p.filename for p in PINNED.values()]
    for path in targets:
        try:
            if path.is_file():
                size = path.stat().st_size
                path.unlink()
                removed.append((path, size))
        except OSError as exc:
            failed.append((path, exc))
    if failed:
        path, exc = failed[0]
        raise ExportError(
            f"{path.parent}: cannot remove {len(failed)} cached file(s) ({exc.strerror or exc}; "
            f"{len(removed)} removed); the cache folder is read-only or not yours: fix its "
            "permissions, or set SLMAP_CACHE_DIR to another folder"
        )
    return removed
