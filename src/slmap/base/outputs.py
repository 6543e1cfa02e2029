"""The outputs of one command, written together: inputs sacred, all or nothing.

An :class:`OutputSet` is told every path a command will write (main file,
sidecars, derived names, rejects, raster) and every path it reads, before any
work starts. :meth:`OutputSet.check` then refuses an output that is, or would
replace, an input (resolved paths, symlinks followed, hard links caught), and
an existing output without ``overwrite``; it also removes the temporaries a
killed earlier run left beside the outputs. Writers write to
:meth:`OutputSet.stage` (a path with the same file name in a private staging
folder beside the target); :meth:`OutputSet.commit` moves every staged file
into place at the end, and puts the old files back if one move fails;
:meth:`OutputSet.discard` (or leaving the ``with`` block on an error) removes
everything staged. Temporaries are named ``.slmap-partial-<pid>-...`` so the
next run recognises and removes them once their process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from slmap.base.errors import ExportError

__all__ = [
    "PARTIAL_PREFIX",
    "OutputSet",
    "clean_leftovers",
    "input_family",
    "partial_prefix",
    "write_error",
]

#: Every temporary file or folder slmap makes beside an output starts with this.
PARTIAL_PREFIX = ".slmap-partial-"

#: Files read together with an input of that suffix (a Shapefile's parts).
_INPUT_SIDECARS = {
    ".shp": (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml", ".qml"),
}


def write_error(exc: OSError, path: Path) -> ExportError:
    """One line for a failed write: the path, why in words, and that nothing was written.

    Examples
    --------
    >>> str(write_error(OSError(errno.ENOSPC, "No space"), Path("a.csv")))
    'could not write a.csv: the disk is full (no space left on device); nothing was written'
    """
    if exc.errno == errno.ENOSPC:
        why = "the disk is full (no space left on device)"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "permission denied"
    else:
        why = exc.strerror or str(exc)
    return ExportError(f"could not write {path}: {why}; nothing was written")


def partial_prefix() -> str:
    """The name prefix of this process's temporaries (``.slmap-partial-<pid>-``)."""
    return f"{PARTIAL_PREFIX}{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporaries a killed slmap run left in ``folder``.

    Only entries named ``.slmap-partial-<pid>-...`` whose process is no longer
    running are removed; a run still writing keeps its own.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".slmap-partial-999999999-x.csv").write_text("half")
    >>> [p.name for p in clean_leftovers(d)]
    ['.slmap-partial-999999999-x.csv']
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PARTIAL_PREFIX):
            continue
        pid = entry.name[len(PARTIAL_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
        removed.append(entry)
    return removed


def input_family(path: str | os.PathLike[str]) -> list[Path]:
    """An input and the files read with it (a Shapefile's ``.dbf``, ``.prj``...).

    Examples
    --------
    >>> [p.name for p in input_family("b/communes.shp")][:3]
    ['communes.shp', 'communes.shx', 'communes.dbf']
    """
    path = Path(path)
    extra = _INPUT_SIDECARS.get(path.suffix.lower(), ())
    return [path, *(path.with_name(path.stem + ext) for ext in extra)]


def _identity(path: Path) -> tuple[Path, tuple[int, int] | None]:
    resolved = path.resolve()
    try:
        st = resolved.stat()
    except OSError:
        return resolved, None
    return resolved, (st.st_dev, st.st_ino)


@dataclass
class _Output:
    path: Path
    folder: bool
    overwrite: bool


class OutputSet:
    """Every output of one command, checked up front and written all or nothing.

    Parameters
    ----------
    inputs : iterable of path-like
        Every file or folder the command reads (give each once; Shapefile
        parts are added, see :func:`input_family`). ``None`` entries are skipped.
    overwrite : bool, default False
        Replace existing outputs (``--overwrite``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with OutputSet([d / "in.csv"]) as outs:
    ...     _ = outs.add(d / "a.txt", d / "a.txt.metadata.txt")
    ...     _ = outs.stage(d / "a.txt").write_text("a")
    ...     _ = outs.stage(d / "a.txt.metadata.txt").write_text("m")
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt', 'a.txt.metadata.txt']
    >>> OutputSet([d / "a.txt"], overwrite=True).add(d / "a.txt")
    Traceback (most recent call last):
    ...
    slmap.base.errors.ExportError: .../a.txt is an input of this command; ...
    """

    def __init__(
        self, inputs: Iterable[str | os.PathLike[str] | None] = (), overwrite: bool = False
    ) -> None:
        self.overwrite = overwrite
        self._outputs: dict[Path, _Output] = {}
        self._inputs: dict[Path, Path] = {}
        self._inodes: dict[tuple[int, int], Path] = {}
        self._folders: list[tuple[Path, Path]] = []
        self._staging: dict[Path, Path] = {}
        self._checked = False
        self._cleaned: set[Path] = set()
        self._done = False
        for item in inputs:
            if item is not None:
                self.add_input(item)

    # --- declaring ------------------------------------------------------------------------

    def add_input(self, path: str | os.PathLike[str]) -> None:
        """Declare an input (a file, its Shapefile parts, or a folder and the files in it)."""
        members = input_family(path)
        if Path(path).is_dir():
            with contextlib.suppress(OSError):
                members += [p for p in Path(path).rglob("*") if p.is_file()]
        for member in members:
            resolved, inode = _identity(member)
            self._inputs.setdefault(resolved, member)
            if inode is not None:
                self._inodes.setdefault(inode, member)
            if resolved.is_dir():
                self._folders.append((resolved, member))
        for output in self._outputs.values():
            self._refuse_input(output.path, output.folder)

    def add(
        self, *paths: str | os.PathLike[str], folder: bool = False, overwrite: bool | None = None
    ) -> list[Path]:
        """Declare outputs; ``folder`` for an output that is a folder of files.

        ``overwrite`` overrides the set's consent for these paths (a default
        output rebuilt on every run). An output that is an input is refused
        at once.
        """
        added = []
        for item in paths:
            path = Path(item)
            self._refuse_input(path, folder)
            key = path.resolve()
            if key not in self._outputs:
                consent = self.overwrite if overwrite is None else overwrite
                self._outputs[key] = _Output(path, folder, consent)
                if self._checked:  # declared late: checked at once
                    self._check_one(self._outputs[key])
            added.append(path)
        return added

    def _refuse_input(self, path: Path, folder: bool) -> None:
        resolved, inode = _identity(path)
        found = self._inputs.get(resolved) or (self._inodes.get(inode) if inode else None)
        if found is None and folder:
            found = next((p for r, p in self._inputs.items() if resolved in r.parents), None)
        if found is None:
            found = next((p for r, p in self._folders if resolved == r), None)
        if found is not None:
            same = "" if Path(found) == path else f" ({found})"
            raise ExportError(
                f"{path} is an input of this command{same}; inputs are never replaced: "
                "choose another output name"
            )

    @property
    def paths(self) -> list[Path]:
        """Every declared output, in the order given."""
        return [o.path for o in self._outputs.values()]

    # --- checking -------------------------------------------------------------------------

    def check(self) -> None:
        """Refuse existing outputs (unless consented) and clean earlier runs' temporaries.

        Raises
        ------
        ExportError
            An output exists without ``overwrite``, or is a folder where a file
            is expected (or the reverse).
        """
        for out in self._outputs.values():
            self._check_one(out)
        self._checked = True

    def _check_one(self, out: _Output) -> None:
        folder = out.path.parent.resolve()
        if folder not in self._cleaned:
            clean_leftovers(folder)
            self._cleaned.add(folder)
        exists = out.path.exists() or out.path.is_symlink()
        if exists and not out.overwrite:
            raise ExportError(f"{out.path} already exists; pass --overwrite to replace it")
        if out.path.is_dir() and not out.folder:
            raise ExportError(f"{out.path} is a folder; give a file name")
        if exists and out.folder and not out.path.is_dir():
            raise ExportError(f"{out.path} exists and is not a folder")

    # --- writing --------------------------------------------------------------------------

    def _staging_folder(self, parent: Path) -> Path:
        key = parent.resolve()
        if key not in self._staging:
            try:
                parent.mkdir(parents=True, exist_ok=True)
                made = tempfile.mkdtemp(dir=parent, prefix=partial_prefix())
            except OSError as exc:
                raise write_error(exc, parent) from exc
            self._staging[key] = Path(made)
        return self._staging[key]

    def stage(self, path: str | os.PathLike[str]) -> Path:
        """Where to write the declared output ``path`` (same name, private folder).

        A folder output's staging path is created as a folder.
        """
        path = Path(path)
        out = self._outputs.get(path.resolve())
        if out is None:
            raise ExportError(f"{path} was not declared as an output before work started")
        staged = self._staging_folder(path.parent) / path.name
        if out.folder:
            staged.mkdir(exist_ok=True)
        return staged

    def scratch(self, near: str | os.PathLike[str]) -> Path:
        """A private scratch folder beside the output ``near``, removed with the staging."""
        return Path(tempfile.mkdtemp(dir=self._staging_folder(Path(near).parent), prefix="tmp-"))

    def commit(self) -> list[Path]:
        """Move every staged output into place; on a failure put the old files back.

        Declared outputs that were not produced but exist (stale parts of an
        older Shapefile set) are removed, as consented by ``overwrite``.
        """
        if self._done:
            return self.paths
        moves: list[tuple[Path, Path | None]] = []
        try:
            self.check_produced()
            for out in self._outputs.values():
                staging = self._staging.get(out.path.parent.resolve())
                staged = None if staging is None else staging / out.path.name
                present = out.path.exists() or out.path.is_symlink()
                if not (present or (staged is not None and staged.exists())):
                    continue  # neither produced nor there: nothing to do, no folder made
                backup = None
                if present:
                    holder = self._staging_folder(out.path.parent)
                    backup = holder / f"{out.path.name}.old-{len(moves)}"
                    os.replace(out.path, backup)
                moves.append((out.path, backup))
                if staged is not None and staged.exists():
                    os.replace(staged, out.path)
        except OSError as exc:
            self._undo(moves)
            self.discard()
            raise write_error(exc, moves[-1][0] if moves else self.paths[0]) from exc
        except BaseException:
            self._undo(moves)
            self.discard()
            raise
        self.discard()
        self._done = True
        return self.paths

    def check_produced(self) -> None:
        """Refuse files in the staging folders that no declared output names."""
        declared = {(o.path.parent.resolve(), o.path.name) for o in self._outputs.values()}
        for parent, staging in self._staging.items():
            for entry in staging.iterdir():
                if not entry.name.startswith("tmp-") and (parent, entry.name) not in declared:
                    raise ExportError(
                        f"{parent / entry.name} was written but not declared before work "
                        "started; nothing was written"
                    )

    @staticmethod
    def _undo(moves: list[tuple[Path, Path | None]]) -> None:
        for target, backup in reversed(moves):
            with contextlib.suppress(OSError):
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.exists() or target.is_symlink():
                    target.unlink()
                if backup is not None:
                    os.replace(backup, target)

    def discard(self) -> None:
        """Remove everything staged (and the backups of a finished commit)."""
        for staging in self._staging.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._staging.clear()

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
