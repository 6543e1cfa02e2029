"""Every write slmap makes: atomic, never overwriting without consent.

Writes go to a temporary file in the destination folder, then
:func:`os.replace` moves it into place, so a reader never sees a partial
file and a failed write (permission denied, disk full) leaves nothing behind.
An existing path is refused unless ``overwrite=True`` (``--overwrite`` on the
command line).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from slmap.base.errors import ExportError
from slmap.base.outputs import clean_leftovers, partial_prefix, write_error

__all__ = [
    "CSV_PARTS",
    "SHAPEFILE_PARTS",
    "atomic_dir",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "csv_bytes",
    "csv_text",
    "default_rejects_path",
    "prepare_target",
    "refuse_existing",
    "write_rejects",
]

#: Files that make up one Shapefile, moved together by :func:`atomic_path`.
#: The last entries are slmap's field dictionary, styles and metadata (see :func:`write_layers`).
SHAPEFILE_PARTS = (
    ".shp",
    ".shx",
    ".dbf",
    ".prj",
    ".cpg",
    ".qix",
    ".sbn",
    ".sbx",
    ".shp.xml",
    ".shp.fields.csv",
    ".qml",
    ".sld",
    ".shp.metadata.txt",
)
#: Files written beside a CSV (its metadata).
CSV_PARTS = (".csv", ".csv.metadata.txt")


def refuse_existing(path: str | os.PathLike[str], overwrite: bool) -> None:
    """Refuse an existing output (or a part of the same Shapefile) unless ``overwrite``.

    Commands call it before loading any data, so a refusal comes at once.

    Raises
    ------
    ExportError
        The path, or a sibling part of a ``.shp``, exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "roads.dbf").write_bytes(b"")
    >>> refuse_existing(folder / "roads.shp", overwrite=False)
    Traceback (most recent call last):
    ...
    slmap.base.errors.ExportError: .../roads.dbf already exists; pass --overwrite to replace it
    """
    if overwrite:
        return
    for part in _siblings(Path(path)):
        if part.exists() or part.is_symlink():
            raise ExportError(f"{part} already exists; pass --overwrite to replace it")


def _describe(exc: OSError, path: Path) -> ExportError:
    return write_error(exc, path)


def prepare_target(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """Refuse an existing ``path`` (unless ``overwrite``) or a folder; create its parent.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> prepare_target(pathlib.Path(tempfile.mkdtemp()) / "new" / "a.csv", False).parent.is_dir()
    True
    """
    target = Path(path)
    refuse_existing(target, overwrite)
    if target.is_dir():
        raise ExportError(f"{target} is a folder; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _describe(exc, target) from exc
    clean_leftovers(target.parent)
    return target


def _default_mode(path: Path, folder: bool = False) -> None:
    """Give a temporary file or folder the mode ``open()``/``mkdir()`` would.

    mkstemp and mkdtemp create them private (0600/0700); outputs are meant
    to be shared.
    """
    umask = os.umask(0)
    os.umask(umask)
    path.chmod((0o777 if folder else 0o666) & ~umask)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path : str or path-like
        Destination file. Missing parent folders are created.
    data : bytes
        The whole content.
    overwrite : bool, default False
        Replace an existing file. Without it an existing path is refused and
        left untouched.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ExportError
        The path exists (and ``overwrite`` is False) or the write failed; no
        partial or temporary file is left behind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_bytes(p, b"ok").read_bytes()
    b'ok'
    """
    target = prepare_target(path, overwrite)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(
            dir=target.parent, prefix=f"{partial_prefix()}{target.name}.", suffix=".tmp"
        )
        tmp = Path(name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _default_mode(tmp)
        refuse_existing(target, overwrite)
        os.replace(tmp, target)
    except ExportError:
        if tmp is not None:
            _unlink_quietly(tmp)
        raise
    except OSError as exc:
        if tmp is not None:
            _unlink_quietly(tmp)
        raise _describe(exc, target) from exc
    return target


def atomic_write_text(
    path: str | os.PathLike[str], text: str, overwrite: bool = False, encoding: str = "utf-8"
) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bản.txt"
    >>> atomic_write_text(p, "Bản Nà Tấu").read_text(encoding="utf-8")
    'Bản Nà Tấu'
    """
    return atomic_write_bytes(path, text.encode(encoding), overwrite=overwrite)


def _siblings(target: Path) -> list[Path]:
    """The files written together with ``target`` (Shapefile or CSV parts, else itself)."""
    if target.suffix.lower() == ".shp":
        return [target.with_name(target.stem + ext) for ext in SHAPEFILE_PARTS]
    if target.suffix.lower() == ".csv":
        return [target.with_name(target.stem + ext) for ext in CSV_PARTS]
    return [target]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary file name for writers that need one (pyogrio, openpyxl).

    The writer writes to the yielded path, which lives in a private temporary
    folder beside ``path`` and has the same file name, so drivers chosen by
    extension work. On success every file the writer created there is moved
    into place with :func:`os.replace` (a Shapefile's ``.shp``, ``.shx``,
    ``.dbf``, ``.prj`` and ``.cpg`` each move atomically). On any error the
    temporary folder is removed and the destination is left untouched.

    Parameters
    ----------
    path : str or path-like
        Destination file. For a Shapefile, give the ``.shp`` path; an
        existing part of the same set (e.g. ``roads.dbf``) also counts as
        existing.
    overwrite : bool, default False
        Replace existing files; stale parts of an old Shapefile are removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(p) as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> p.read_text(encoding="utf-8")
    'done'
    """
    target = prepare_target(path, overwrite)
    parts = _siblings(target)
    for part in parts:
        refuse_existing(part, overwrite)
    try:
        tmpdir = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f"{partial_prefix()}{target.name}.")
        )
    except OSError as exc:
        raise _describe(exc, target) from exc
    try:
        yield tmpdir / target.name
        written = sorted(p for p in tmpdir.iterdir() if p.is_file())
        if not written:
            raise ExportError(f"could not write {target}: the writer produced no file")
        for part in parts:
            refuse_existing(part, overwrite)
        names = {p.name for p in written}
        for part in parts:  # stale parts of an older set would mislead GIS software
            if part.name not in names and part.exists():
                part.unlink()
        for produced in written:
            os.replace(produced, target.parent / produced.name)
    except ExportError:
        raise
    except OSError as exc:
        raise _describe(exc, target) from exc
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that replaces the folder ``path`` on success.

    Used for outputs made of several files, such as one Shapefile per layer.
    An existing ``path`` is refused unless ``overwrite`` is True, in which
    case it is swapped out only after the new folder is complete.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "layers"
    >>> with atomic_dir(out) as tmp:
    ...     _ = (tmp / "a.txt").write_text("a", encoding="utf-8")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    target = Path(path)
    refuse_existing(target, overwrite)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target.parent)
        tmpdir = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f"{partial_prefix()}{target.name}.")
        )
    except OSError as exc:
        raise _describe(exc, target) from exc
    backup: Path | None = None
    try:
        yield tmpdir
        _default_mode(tmpdir, folder=True)
        refuse_existing(target, overwrite)
        if target.exists():
            backup = target.with_name(f"{partial_prefix()}{target.name}.old")
            os.replace(target, backup)
        os.replace(tmpdir, target)
    except ExportError:
        raise
    except OSError as exc:
        if backup is not None and not target.exists():
            os.replace(backup, target)
            backup = None
        raise _describe(exc, target) from exc
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)


def csv_text(frame: pd.DataFrame, lineterminator: str = "\n") -> str:
    """A table as CSV text, every cell a spreadsheet would run as a formula guarded.

    The one rule of :mod:`slmap.base.formulas` (:func:`~slmap.base.formulas.guard_frame`):
    ``=1+1`` is written ``'=1+1``; numbers stay numbers. Every CSV slmap
    writes, to a file or to stdout, goes through here.

    Examples
    --------
    >>> csv_text(pd.DataFrame({"tên": ["=1+1", "Bản Mé"], "n": [-5, 2]})).splitlines()
    ['tên,n', "'=1+1,-5", 'Bản Mé,2']
    """
    from slmap.base.formulas import guard_frame

    return guard_frame(frame).to_csv(index=False, lineterminator=lineterminator)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a table as CSV in UTF-8 with BOM (Excel then shows Vietnamese), formulas guarded.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"tên": ["Bản Nà Tấu"]}))[:3]
    b'\xef\xbb\xbf'
    >>> csv_bytes(pd.DataFrame({"a": ["@SUM(A1)"]})).decode("utf-8-sig").splitlines()
    ['a', "'@SUM(A1)"]
    """
    return csv_text(frame, lineterminator="\r\n").encode("utf-8-sig")


def write_rejects(
    rejects: pd.DataFrame, path: str | os.PathLike[str], overwrite: bool = True
) -> Path:
    """Write rejected register rows to a CSV (UTF-8 with BOM), atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> rej = pd.DataFrame({"village_name": ["Bản Mé"], "row": [3], "problem": ["bad code"]})
    >>> write_rejects(rej, p).read_bytes().startswith(b"\\xef\\xbb\\xbf")
    True
    """
    return atomic_write_bytes(path, csv_bytes(rejects), overwrite=overwrite)


def default_rejects_path(model) -> Path:
    """Where ``--keep-going`` writes rejected rows by default.

    Beside the register (``<register stem>.rejects.csv``), or in ``maps/``
    when the register is the embedded sample (the package folder may be
    read-only).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> m = NS(provenance=NS(register="/data/villages.xlsx", sample=False))
    >>> default_rejects_path(m).as_posix()
    '/data/villages.rejects.csv'
    """
    prov = model.provenance
    register = Path(str(prov.register))
    name = f"{register.stem}.rejects.csv"
    if getattr(prov, "sample", False):
        return Path("maps") / name
    return register.with_name(name)
