"""The table of a commune's villages without mobile broadband, as drawn on a report page."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from slmap.base import glossary

__all__ = ["COLUMNS", "draw_table"]

DARK = "#222222"

COLUMNS = (  # (label key, column, x, right-aligned)
    ("report_rank", "priority_rank", 0.0, False),
    ("field_village", "village_name", 0.08, False),
    ("field_households", "households", 0.50, True),
    ("field_population", "population", 0.62, True),
    ("report_grid", "grid_power", 0.645, False),
    ("report_distance", "dist_covered_km", 0.86, True),
    ("report_score", "priority_score", 1.0, True),
)


def _cell(sheet, column: str, value: object, width: int) -> str:
    if column == "grid_power":
        known = value is not None and not pd.isna(value)  # type: ignore[arg-type]
        return sheet.t(("yes" if value else "no") if known else "unknown")
    if column == "village_name":
        text = str(value)
        return text if len(text) <= width else text[: width - 1] + "…"
    decimals = 1 if column == "dist_covered_km" else 2 if column == "priority_score" else 0
    return sheet.number(value, decimals)


def draw_table(fig: Figure, sheet, rows: pd.DataFrame, box: tuple[float, ...]) -> None:
    """Draw ``rows`` (at most 35) as a table in ``box`` (figure fractions) of ``fig``.

    ``sheet`` is the :class:`slmap.report.pages.Sheet` of the report (language,
    number format). Long village names are cut with "…".

    Examples
    --------
    >>> draw_table(fig, sheet, ranking.head(10), (0.46, 0.07, 0.52, 0.76))  # doctest: +SKIP
    """
    ax = fig.add_axes(box)
    ax.set_axis_off()
    ax.set_xlim(-0.01, 1.01)
    step = 1.0 / 37
    wide = box[2] > 0.7
    x_scale = 0.7 if wide else 1.0  # keep columns together on a full-width page
    name_width = 42 if wide else 30
    for label, _column, x, right in COLUMNS:
        ax.text(
            x * x_scale,
            1 - step,
            glossary.t(label, sheet.lang),
            fontsize=7.5,
            fontweight="bold",
            va="center",
            ha="right" if right else "left",
        )
    ax.plot([-0.01, x_scale + 0.01], [1 - 2 * step] * 2, color=DARK, linewidth=0.8)
    for i, row in enumerate(rows.itertuples(index=False)):
        y = 1 - (i + 2.5) * step
        if i % 2:
            ax.add_patch(
                Rectangle((-0.01, y - step / 2), x_scale + 0.02, step, color="#f2f2f2", zorder=0)
            )
        for _label, column, x, right in COLUMNS:
            text = _cell(sheet, column, getattr(row, column), name_width)
            ax.text(x * x_scale, y, text, fontsize=8, va="center", ha="right" if right else "left")
    ax.set_ylim(0, 1)
