"""What travels inside every export: sources, dates, layout, version, sample flag, licences.

One source of truth for the text: :func:`build_metadata` reads the model's
provenance once; :func:`slmap.model.notes.data_note` (the ``data_note`` column),
:func:`metadata_lines` (Excel's "about" sheet, KML ``ExtendedData``) and
:func:`metadata_text` (``<name>.metadata.txt`` beside Shapefiles and CSVs,
GeoPackage ``gpkg_metadata``) all render the same :class:`ExportMetadata`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from slmap.model.notes import data_note

__all__ = [
    "APPROXIMATE_LICENCE",
    "UNKNOWN_LICENCE",
    "ExportMetadata",
    "build_metadata",
    "metadata_lines",
    "metadata_text",
    "parse_metadata_text",
    "read_gpkg_metadata",
    "register_extension",
    "write_gpkg_metadata",
]

#: Licence stated for a boundary file the user gives without ``--boundaries-licence``.
UNKNOWN_LICENCE = "unknown"
#: Licence of the approximate boundaries slmap draws itself.
APPROXIMATE_LICENCE = (
    "drawn by slmap from official commune centres (vietnamadminunits, MIT); approximate"
)
#: ``md_standard_uri`` of the plain-text record slmap writes into ``gpkg_metadata``.
TEXT_STANDARD_URI = "http://www.iana.org/assignments/media-types/text/plain"


@dataclass(frozen=True)
class ExportMetadata:
    """Everything an export says about where its data comes from.

    Attributes
    ----------
    note : str
        The one-line ``data_note`` every feature carries.
    sources : tuple of (str, str, str)
        ``(role, file, licence)``: the register, the boundaries, outlines, statistics.
    as_of, data_date : str or None
        Date of the register's survey, and the date shown on outputs.
    layout : str
        Administrative layout of the outputs (e.g. ``"2025"``).
    input_layouts : dict of str to str
        Layout each input was keyed to.
    version : str
        slmap version that wrote the file.
    sample, approximate : bool
        Built from the synthetic sample; boundaries or locations approximate.
    """

    note: str
    sources: tuple[tuple[str, str, str], ...]
    as_of: str | None
    data_date: str | None
    layout: str
    input_layouts: dict[str, str] = field(default_factory=dict)
    version: str = ""
    sample: bool = False
    approximate: bool = False


def _file_name(source) -> str:
    """A file's name without its folder (exports travel; local folders do not)."""
    text = str(source)
    return Path(text).name if Path(text).suffix else text


def _boundary_licence(source: str, approximate: bool, stated: str | None) -> str:
    from slmap.sources.upstream import PINNED

    if approximate and not Path(source).suffix:
        return APPROXIMATE_LICENCE
    for pinned in PINNED.values():
        if Path(source).name == pinned.filename:
            return f"{pinned.licence}; {pinned.repository} @ {pinned.commit[:12]}"
    return stated.strip() if stated and stated.strip() else UNKNOWN_LICENCE


def _outline_source(prov) -> tuple[str, str, str] | None:
    """The pinned outline file slmap reads beside the communes (Sơn La), when present."""
    from slmap.sources.upstream import PINNED, find_pinned

    if tuple(getattr(prov, "province_codes", ("14",))) != ("14",):
        return None
    found = find_pinned("districts")
    if found is None:
        return None
    pinned = PINNED["districts"]
    licence = f"{pinned.licence}; {pinned.repository} @ {pinned.commit[:12]}"
    return ("province and former-district outlines", found.name, licence)


def build_metadata(model, boundaries_licence: str | None = None) -> ExportMetadata:
    """Gather the metadata of an export from ``model.provenance``.

    Parameters
    ----------
    model : CoverageModel
        The model exported (only its ``provenance`` is read).
    boundaries_licence : str, optional
        Licence of a boundary file the user gave (``--boundaries-licence``);
        pinned files carry their own, anything else is ``"unknown"``.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> prov = NS(register="v.csv", boundaries="/data/mine.gpkg", layout="2025", sample=False,
    ...           approximate=False, data_date="2025-06-30", as_of="2025-06-30",
    ...           statistics=None, province_codes=("01",), input_layouts={})
    >>> meta = build_metadata(NS(provenance=prov), "CC-BY-4.0")
    >>> meta.sources[1]
    ('commune boundaries', 'mine.gpkg', 'CC-BY-4.0')
    >>> build_metadata(NS(provenance=prov)).sources[1][2]
    'unknown'
    """
    from slmap.base.version import __version__

    prov = model.provenance
    approximate = bool(getattr(prov, "approximate", False))
    sample = bool(getattr(prov, "sample", False))
    register = "register (synthetic sample)" if sample else "village register"
    boundaries = str(prov.boundaries)
    sources = [
        (
            register,
            _file_name(prov.register),
            "slmap sample (synthetic)" if sample else "user data",
        ),
        (
            "commune boundaries",
            _file_name(boundaries),
            _boundary_licence(boundaries, approximate, boundaries_licence),
        ),
    ]
    if outline := _outline_source(prov):
        sources.append(outline)
    if getattr(prov, "statistics", None):
        sources.append(("commune statistics", _file_name(prov.statistics), "user data"))
    return ExportMetadata(
        note=data_note(model),
        sources=tuple(sources),
        as_of=getattr(prov, "as_of", None),
        data_date=getattr(prov, "data_date", None),
        layout=str(getattr(prov, "layout", "")),
        input_layouts=dict(getattr(prov, "input_layouts", {}) or {}),
        version=__version__,
        sample=sample,
        approximate=approximate,
    )


def metadata_lines(meta: ExportMetadata) -> list[tuple[str, str]]:
    """The metadata as ``(key, value)`` pairs, in a fixed order.

    Examples
    --------
    >>> meta = ExportMetadata("note", (("register", "v.csv", "user data"),), "2025-06-30",
    ...                       "2025-06-30", "2025", {"register": "2023"}, "1.0", True, False)
    >>> dict(metadata_lines(meta))["sample data"]
    'yes: synthetic villages, not a real survey'
    """
    lines = [
        ("data note", meta.note),
        (
            "sample data",
            "yes: synthetic villages, not a real survey" if meta.sample else "no",
        ),
        (
            "approximate boundaries",
            "yes: boundaries or village locations are approximate" if meta.approximate else "no",
        ),
        ("as of", meta.as_of or "not stated"),
        ("data date", meta.data_date or "not stated"),
        ("layout", meta.layout),
    ]
    lines += [(f"input layout ({k})", v) for k, v in sorted(meta.input_layouts.items())]
    for role, file, licence in meta.sources:
        lines.append((f"source ({role})", file))
        lines.append((f"licence ({role})", licence))
    lines.append(("written by", f"slmap {meta.version}"))
    return lines


def metadata_text(meta: ExportMetadata) -> str:
    """The metadata as UTF-8 text, one ``key: value`` line each.

    Examples
    --------
    >>> meta = ExportMetadata("note", (), None, None, "2025", version="1.0")
    >>> metadata_text(meta).splitlines()[0]
    'slmap export metadata'
    """
    body = "\n".join(f"{key}: {value}" for key, value in metadata_lines(meta))
    return f"slmap export metadata\n\n{body}\n"


_METADATA_DDL = (
    "CREATE TABLE IF NOT EXISTS gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC "
    "NOT NULL, md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, "
    "mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL, "
    "table_name TEXT, column_name TEXT, row_id_value INTEGER, timestamp DATETIME NOT NULL "
    "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL, "
    "md_parent_id INTEGER, CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES "
    "gpkg_metadata(id), CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES "
    "gpkg_metadata(id))",
)


def register_extension(db: sqlite3.Connection, table: str, extension: str, uri: str) -> None:
    """Record a GeoPackage extension for ``table`` in ``gpkg_extensions`` (once)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
        "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
        "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
    )
    found = db.execute(
        "SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND extension_name = ?",
        (table, extension),
    ).fetchone()
    if found is None:  # UNIQUE does not catch it: column_name is NULL
        db.execute(
            "INSERT INTO gpkg_extensions VALUES (?, NULL, ?, ?, 'read-write')",
            (table, extension, uri),
        )


def write_gpkg_metadata(path: str | Path, meta: ExportMetadata, tables: list[str]) -> None:
    """Add the metadata to a GeoPackage: one ``gpkg_metadata`` record, referenced by the file.

    The record (``mime_type`` ``text/plain``, the text of :func:`metadata_text`)
    is referenced with scope ``geopackage`` and once per table in ``tables``.

    Examples
    --------
    >>> write_gpkg_metadata("s.gpkg", meta, ["communes"])  # doctest: +SKIP
    """
    uri = "http://www.geopackage.org/spec121/#extension_metadata"
    with sqlite3.connect(path) as db:
        for ddl in _METADATA_DDL:
            db.execute(ddl)
        for table in ("gpkg_metadata", "gpkg_metadata_reference"):
            register_extension(db, table, "gpkg_metadata", uri)
        cur = db.execute(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
            "VALUES ('dataset', ?, 'text/plain', ?)",
            (TEXT_STANDARD_URI, metadata_text(meta)),
        )
        md_id = cur.lastrowid
        refs = [("geopackage", None)] + [("table", t) for t in tables]
        db.executemany(
            "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, md_file_id) "
            "VALUES (?, ?, ?)",
            [(scope, table, md_id) for scope, table in refs],
        )
    db.close()


def read_gpkg_metadata(path: str | Path) -> dict[str, str]:
    """Read back slmap's metadata record of a GeoPackage as a dict (empty if none).

    Examples
    --------
    >>> read_gpkg_metadata("s.gpkg")["sample data"][:3]  # doctest: +SKIP
    'yes'
    """
    with sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r "
            "ON r.md_file_id = m.id WHERE r.reference_scope = 'geopackage' "
            "AND m.mime_type = 'text/plain' AND m.md_standard_uri = ?",
            (TEXT_STANDARD_URI,),
        ).fetchall()
    db.close()
    if not rows:
        return {}
    return parse_metadata_text(rows[-1][0])


def parse_metadata_text(text: str) -> dict[str, str]:
    """Parse :func:`metadata_text` back into a dict.

    Examples
    --------
    >>> parse_metadata_text("slmap export metadata\\n\\nlayout: 2025\\n")
    {'layout': '2025'}
    """
    out: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        key, sep, value = line.partition(": ")
        if sep:
            out[key] = value
    return out
