"""Where an export goes: every file it writes, known before any work starts.

Sidecar names derive from the full file name (``u.shp.metadata.txt``,
``u.csv.metadata.txt``), so exports of different formats to one stem never
share a file; unknown or mismatched suffixes are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slmap.base.atomic import SHAPEFILE_PARTS
from slmap.base.errors import InputError

__all__ = ["FORMATS", "LAYERS", "ONE_FILE", "SUFFIX", "ExportPaths", "export_paths"]

LAYERS = ("communes", "villages", "uncovered", "districts")
FORMATS = ("shp", "gpkg", "geojson", "csv", "xlsx", "kml", "kmz")
SUFFIX = {f: f".{f}" for f in FORMATS}
#: Formats that hold every layer in one file.
ONE_FILE = ("gpkg", "xlsx", "kml", "kmz")


@dataclass(frozen=True)
class ExportPaths:
    """Where an export goes: the path shown, every file it writes, whether it is a folder."""

    target: Path
    files: tuple[Path, ...]
    folder: bool = False
    zipped: bool = False


def _sidecars(path: Path, fmt: str) -> tuple[Path, ...]:
    if fmt == "shp":
        return tuple(path.with_name(path.stem + ext) for ext in SHAPEFILE_PARTS)
    if fmt == "csv":
        return (path, path.with_name(path.name + ".metadata.txt"))
    return (path,)


def _known_suffixes() -> str:
    return ", ".join([*SUFFIX.values(), ".json (geojson)", ".zip (shp --zip)"])


def export_paths(names: list[str], path, fmt: str, zip: bool = False) -> ExportPaths:
    """Every file an export of the layers ``names`` to ``path`` writes, known before work.

    The file's suffix must be the format's (``.json`` is accepted for
    GeoJSON; a Shapefile name without suffix gets ``.shp``); several layers
    in ``shp``/``geojson``/``csv`` go to a folder. Sidecars are named after
    the full file name (``uncovered.shp.metadata.txt``,
    ``uncovered.csv.metadata.txt``), so exports of different formats to one
    stem never share a file; QGIS's ``uncovered.qml`` stays beside the ``.shp``.

    Raises
    ------
    InputError
        Unknown format, ``--zip`` outside Shapefile, or a suffix that is not
        the format's (the known ones are listed).

    Examples
    --------
    >>> [p.name for p in export_paths(["uncovered"], "u.csv", "csv").files]
    ['u.csv', 'u.csv.metadata.txt']
    >>> export_paths(["communes"], "x.docx", "gpkg")
    Traceback (most recent call last):
    ...
    slmap.base.errors.InputError: x.docx: unknown output suffix '.docx' ...
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if zip and fmt != "shp":
        raise InputError("--zip applies to the Shapefile format (--format shp) only")
    if not names:
        raise InputError("nothing to export: no layer is available")
    path = Path(path)
    suffix = path.suffix.lower()
    if zip:
        target = path if suffix == ".zip" else path.with_name(path.name + ".zip")
        return ExportPaths(target, (target,), zipped=True)
    if len(names) > 1 and fmt not in ONE_FILE:
        if suffix[1:].isalpha() and len(suffix) <= 6:
            raise InputError(
                f"{path}: several {fmt} layers are written to a folder; give a folder name "
                f"without a file suffix (found '{suffix}'), or --format gpkg for one file"
            )
        return ExportPaths(path, (), folder=True)
    if fmt == "shp" and suffix == "":
        path, suffix = path.with_name(path.name + ".shp"), ".shp"
    wanted = {SUFFIX[fmt], ".json"} if fmt == "geojson" else {SUFFIX[fmt]}
    if suffix not in wanted:
        known = f"unknown output suffix '{path.suffix}'"
        if suffix in SUFFIX.values():
            known = f"suffix '{path.suffix}' is not the format's ({SUFFIX[fmt]})"
        raise InputError(
            f"{path}: {known} for --format {fmt}; expected one of: {_known_suffixes()}"
        )
    return ExportPaths(path, _sidecars(path, fmt))
