"""Writing the tables ``slmap predict`` and ``slmap plan`` produce: CSV, Excel, GeoJSON or GPKG.

The format follows the name given with ``--out``; every write is atomic.
"""

from __future__ import annotations

from pathlib import Path

import click
import geopandas as gpd

from slmap.base.errors import InputError

__all__ = ["table_format", "write_table"]

_FORMATS = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "GPKG",
}


def table_format(out: Path) -> str:
    """The format of a table named ``out``; an unknown suffix is refused, the known listed.

    Examples
    --------
    >>> table_format(Path("p.xlsx"))
    'xlsx'
    """
    fmt = _FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{out}: unknown output format '{out.suffix}' (expected one of: {', '.join(_FORMATS)})"
        )
    return fmt


def write_table(
    frame: gpd.GeoDataFrame,
    out: Path,
    overwrite: bool,
    layers: dict[str, gpd.GeoDataFrame] | None = None,
) -> None:
    """Write a result atomically: CSV (UTF-8 with BOM), Excel, GeoJSON or GPKG.

    CSV and Excel keep points as ``lon``/``lat`` columns; Excel adds an
    ``about`` sheet with the note and the meaning of each column. A GPKG with
    ``layers`` holds ``frame`` as layer ``villages`` and each of ``layers``
    beside it, all in one atomic write. Characters no format can hold
    (control characters, U+FFFE/U+FFFF, lone surrogates) are removed, with
    one warning on stderr.
    """
    from slmap.base.atomic import atomic_path, atomic_write_bytes, csv_bytes
    from slmap.base.xmltext import clean_frames
    from slmap.export.fields import plain_table

    fmt = table_format(out)
    cleaned, removed = clean_frames({"": frame, **(layers or {})})
    frame, layers = cleaned.pop(""), cleaned
    if removed:
        click.echo(
            f"warning: {out.name}: {removed} character(s) no file format can hold removed "
            "(control characters, U+FFFE/U+FFFF, lone surrogates)",
            err=True,
        )
    if fmt == "csv":
        atomic_write_bytes(out, csv_bytes(plain_table(frame)), overwrite)
        return
    with atomic_path(out, overwrite) as tmp:
        if fmt == "xlsx":
            for problem in _write_excel(frame, tmp):
                click.echo(f"warning: {problem}", err=True)
        elif fmt == "GPKG" and layers:
            frame.to_file(tmp, driver="GPKG", layer="villages")
            for name, layer in layers.items():
                layer.to_file(tmp, driver="GPKG", layer=name)
        else:
            frame.to_file(tmp, driver="GeoJSON" if fmt == "geojson" else fmt)


def _write_excel(frame: gpd.GeoDataFrame, path: Path) -> list:
    from slmap.base.version import __version__
    from slmap.export.excel import write_xlsx
    from slmap.export.metadata import ExportMetadata

    note = str(frame["note"].iloc[0]) if "note" in frame and len(frame) else ""
    sources = (
        (("sites", str(frame["sites_file"].iloc[0]), "user data"),)
        if ("sites_file" in frame and len(frame))
        else ()
    )
    meta = ExportMetadata(note, sources, None, None, "", version=__version__)
    return write_xlsx({_sheet_name(frame): frame}, path, meta)


def _sheet_name(frame: gpd.GeoDataFrame) -> str:
    return "prediction" if "predicted_mbb" in frame else "sites"
