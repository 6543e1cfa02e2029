"""Excel export: one sheet per layer and an "about" sheet with the metadata."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from slmap.base.values import is_missing
from slmap.export.fields import field_meaning, plain_table
from slmap.export.metadata import ExportMetadata, metadata_lines

__all__ = ["write_xlsx"]


def write_xlsx(
    layers: dict[str, gpd.GeoDataFrame], path: Path, meta: ExportMetadata | None = None
) -> None:
    """Write one sheet per layer and an ``about`` sheet (metadata, then the columns).

    Header row bold and frozen, column widths fitted; text starting with
    ``=`` stays text, never a formula.

    Examples
    --------
    >>> write_xlsx(layers, Path("maps/all.xlsx"), meta)  # doctest: +SKIP
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in layers.items():
        _layer_sheet(wb.create_sheet(name[:31]), frame)
    _about_sheet(wb.create_sheet("about"), layers, meta)
    wb.save(path)


def _layer_sheet(ws, frame: gpd.GeoDataFrame) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    table = plain_table(frame)
    ws.append(list(table.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        values = [None if is_missing(v) else getattr(v, "item", lambda v=v: v)() for v in row]
        values = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = "A2"
    for j, col in enumerate(table.columns, start=1):
        longest = max([len(str(col)), *(len(str(v)) for v in table[col].head(500))])
        ws.column_dimensions[ws.cell(1, j).column_letter].width = min(longest + 2, 60)


def _about_sheet(about, layers: dict[str, gpd.GeoDataFrame], meta: ExportMetadata | None) -> None:
    from openpyxl.styles import Font

    if meta is not None:
        note = meta.note
    else:
        note = next(iter(layers.values()))["data_note"].iloc[0] if layers else ""
    about.append([note])
    about["A1"].font = Font(bold=True, color="C00000" if note.startswith("SAMPLE") else None)
    about.append([])
    for key, value in metadata_lines(meta)[1:] if meta is not None else ():
        about.append([key, value])
    about.append([])
    about.append(["column", "meaning"])
    columns = dict.fromkeys(c for f in layers.values() for c in plain_table(f).columns)
    for col in columns:
        about.append([col, field_meaning(col)])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 80
