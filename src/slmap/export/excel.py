"""Excel export: one sheet per layer and an "about" sheet with the metadata."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from slmap.base.errors import Problem
from slmap.base.values import is_missing
from slmap.base.xmltext import clean_text
from slmap.export.fields import field_meaning, plain_table
from slmap.export.metadata import ExportMetadata, metadata_lines

__all__ = ["XLSX_CELL_LIMIT", "write_xlsx"]

#: The most characters an Excel cell holds; longer text is cut, with a warning.
XLSX_CELL_LIMIT = 32_767


def write_xlsx(
    layers: dict[str, gpd.GeoDataFrame],
    path: Path,
    meta: ExportMetadata | None = None,
    shown: Path | None = None,
) -> list[Problem]:
    """Write one sheet per layer and an ``about`` sheet (metadata, then the columns).

    Header row bold and frozen, column widths fitted; text starting with
    ``=`` stays text, never a formula (other cells are text already).
    Characters XML cannot hold are removed, and text longer than
    :data:`XLSX_CELL_LIMIT` is cut: one warning per layer and field, with
    the count, naming ``shown`` (default ``path``).

    Returns
    -------
    list of Problem
        The warnings (text cut, characters removed).

    Examples
    --------
    >>> write_xlsx(layers, Path("maps/all.xlsx"), meta)  # doctest: +SKIP
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    where = str(shown or path)
    warnings: list[Problem] = []
    removed = [0]
    for name, frame in layers.items():
        cut = _layer_sheet(wb.create_sheet(clean_text(name)[0][:31]), frame, removed)
        for column, count in cut.items():
            msg = f"layer {name}: {count} value(s) cut to Excel's {XLSX_CELL_LIMIT:,} characters"
            warnings.append(Problem(where, msg, column=column, severity="warning",
                                    kind="text_cut"))  # fmt: skip
    _about_sheet(wb.create_sheet("about"), layers, meta)
    wb.save(path)
    if removed[0]:
        msg = f"{removed[0]} character(s) Excel cannot hold removed (controls, U+FFFE/U+FFFF)"
        warnings.append(Problem(where, msg, severity="warning", kind="characters_removed"))
    return warnings


def _text(value: object, removed: list[int]) -> object:
    """A cell value Excel holds: forbidden characters out, at most the cell limit."""
    if not isinstance(value, str):
        return value
    cleaned, count = clean_text(value)
    removed[0] += count
    return cleaned


def _append(ws, values: list) -> None:
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text, never a formula


def _layer_sheet(ws, frame: gpd.GeoDataFrame, removed: list[int]) -> dict[str, int]:
    from openpyxl.styles import Font

    table = plain_table(frame)
    _append(ws, [_text(str(c), removed) for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    cut: dict[str, int] = {}
    for row in table.itertuples(index=False):
        values = [None if is_missing(v) else getattr(v, "item", lambda v=v: v)() for v in row]
        values = [_text(v, removed) for v in values]
        for j, value in enumerate(values):
            if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
                values[j] = value[:XLSX_CELL_LIMIT]
                cut[str(table.columns[j])] = cut.get(str(table.columns[j]), 0) + 1
        _append(ws, values)
    ws.freeze_panes = "A2"
    for j, col in enumerate(table.columns, start=1):
        longest = max([len(str(col)), *(len(str(v)) for v in table[col].head(500))])
        ws.column_dimensions[ws.cell(1, j).column_letter].width = min(longest + 2, 60)
    return cut


def _about_sheet(about, layers: dict[str, gpd.GeoDataFrame], meta: ExportMetadata | None) -> None:
    from openpyxl.styles import Font

    if meta is not None:
        note = meta.note
    else:
        note = next(iter(layers.values()))["data_note"].iloc[0] if layers else ""
    removed = [0]
    note = str(_text(note, removed))
    _append(about, [note])
    about["A1"].font = Font(bold=True, color="C00000" if note.startswith("SAMPLE") else None)
    about.append([])
    for key, value in metadata_lines(meta)[1:] if meta is not None else ():
        _append(about, [_text(key, removed), _text(value, removed)])
    about.append([])
    about.append(["column", "meaning"])
    columns = dict.fromkeys(c for f in layers.values() for c in plain_table(f).columns)
    for col in columns:
        _append(about, [_text(str(col), removed), field_meaning(col)])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 80
