"""Pages of the static report, drawn with matplotlib (see :mod:`slmap.report`).

Every page is an A4 landscape :class:`matplotlib.figure.Figure` (no pyplot,
no global state) with the same frame: the "sample data" band when the model
is the embedded sample, the title, the approximate-boundaries note when true,
and a footer with the sources, the layout and the page number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from slmap.admin.dates import display_date
from slmap.base import glossary
from slmap.base.version import __version__
from slmap.model.classify import NODATA_COLOR, Classification, classify
from slmap.report.table import draw_table

__all__ = ["A4_LANDSCAPE", "Sheet", "commune_page", "cover_page", "map_figure"]

#: Page size in inches.
A4_LANDSCAPE = (11.69, 8.27)
#: Commune fill of the maps: the HTML map's default metric.
METRIC = "villages_no_mbb"
#: Simplification of the drawn boundaries, in degrees (about 30 m): invisible at A4.
DRAW_TOLERANCE = 0.0003

RED, DARK, GREY = "#d7191c", "#222222", "#8c8c8c"
MAP_BOX = (0.02, 0.07, 0.60, 0.80)
SIDE_BOX = (0.64, 0.07, 0.34, 0.80)


@dataclass
class Sheet:
    """What every page of one report shares: data, language, classes, frame texts.

    Build it with :meth:`Sheet.of`.
    """

    model: object
    ranking: pd.DataFrame
    lang: str
    n_pages: int
    communes: gpd.GeoDataFrame
    classes: Classification
    aspect: float
    #: How the commune asked for was resolved, when it was another layout's unit.
    asked: str = ""

    @classmethod
    def of(cls, model, ranking: pd.DataFrame, lang: str, n_pages: int) -> Sheet:
        """Prepare the shared parts of a report of ``model`` in ``lang``.

        Examples
        --------
        >>> sheet = Sheet.of(model, priority_ranking(model), "vi", 39)  # doctest: +SKIP
        """
        glossary.t("yes", lang)  # refuses an unknown language before any drawing
        communes = model.communes.copy()
        communes["geometry"] = communes.geometry.simplify(DRAW_TOLERANCE, preserve_topology=True)
        classes = classify(model.communes[METRIC], metric=METRIC, lang=lang)
        miny, maxy = communes.total_bounds[[1, 3]]
        aspect = 1.0 / math.cos(math.radians((miny + maxy) / 2)) if len(communes) else 1.0
        return cls(model, ranking, lang, n_pages, communes, classes, aspect)

    def t(self, key: str, **fields: object) -> str:
        """A label in the report's language."""
        return glossary.t(key, self.lang, **fields)

    def number(self, value: object, decimals: int = 0) -> str:
        """A number with the language's separators; "no data" when missing."""
        text = glossary.format_number(value, self.lang, decimals)  # type: ignore[arg-type]
        return text or self.t("legend_nodata")

    @property
    def sample(self) -> bool:
        """True when the model is the embedded synthetic sample."""
        return bool(getattr(self.model.provenance, "sample", False))

    @property
    def approximate(self) -> bool:
        """True when some drawn boundary is approximate."""
        flagged = "approximate" in self.communes and bool(self.communes["approximate"].any())
        return bool(getattr(self.model.provenance, "approximate", False)) or flagged

    def date_text(self) -> str:
        """ "Dữ liệu tính đến 31/12/2022" (empty when the data has no date)."""
        prov = self.model.provenance
        iso = getattr(prov, "as_of", None) or getattr(prov, "data_date", None)
        return self.t("data_date", date=display_date(iso, self.lang)) if iso else ""

    def province_text(self) -> str:
        """The province name(s) of the model."""
        province = self.model.province
        if province is None or not len(province) or "province_name" not in province:
            return ""
        return ", ".join(str(name) for name in province["province_name"])

    def pdf_metadata(self) -> dict[str, str]:
        """Title and producer of the PDF."""
        title = f"{self.t('report_title')} – {self.province_text()}".strip(" –")
        if self.sample:
            title += f" – {self.t('sample')}"
        return {"Title": title, "Creator": f"slmap {__version__}"}


# --- page frame ---------------------------------------------------------------------------------


def _frame(sheet: Sheet, title: str, subtitle: str, page: int) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE)
    top = 0.985
    if sheet.sample:
        fig.patches.append(
            Rectangle((0, 0.955), 1, 0.045, transform=fig.transFigure, color=RED, zorder=0)
        )
        fig.text(
            0.5,
            0.977,
            sheet.t("sample"),
            ha="center",
            va="center",
            color="white",
            fontsize=13,
            fontweight="bold",
        )
        top = 0.945
    fig.text(0.02, top, title, ha="left", va="top", fontsize=16, fontweight="bold", color=DARK)
    fig.text(0.02, top - 0.04, subtitle, ha="left", va="top", fontsize=10.5, color=DARK)
    if sheet.approximate:
        fig.text(
            0.98,
            top - 0.04,
            sheet.t("approximate"),
            ha="right",
            va="top",
            fontsize=9,
            color="#b35806",
            fontweight="bold",
        )
    prov = sheet.model.provenance
    sources = sheet.t(
        "sources",
        boundaries=Path(str(prov.boundaries)).name,
        register=Path(str(prov.register)).name,
    )
    layout = sheet.t("report_layout", layout=getattr(prov, "layout", ""))
    fig.text(0.02, 0.02, f"{sources} · {layout}", fontsize=7, color=GREY, ha="left")
    page_text = sheet.t("report_page", page=page, pages=sheet.n_pages)
    fig.text(0.98, 0.02, page_text, fontsize=8, color=DARK, ha="right")
    return fig


# --- maps ---------------------------------------------------------------------------------------


def _map_axes(fig: Figure, box: tuple[float, float, float, float], sheet: Sheet):
    ax = fig.add_axes(box)
    ax.set_axis_off()
    ax.set_aspect(sheet.aspect)
    return ax


def _fill_colors(sheet: Sheet) -> list[str]:
    return [sheet.classes.color_of(int(i)) for i in sheet.classes.classes]


def _outlines(ax, sheet: Sheet) -> None:
    districts, province = sheet.model.districts, sheet.model.province
    if districts is not None and len(districts):
        districts.boundary.simplify(DRAW_TOLERANCE).plot(ax=ax, color="#555555", linewidth=0.6)
    if province is not None and len(province):
        province.boundary.simplify(DRAW_TOLERANCE).plot(ax=ax, color=DARK, linewidth=1.1)


def _villages(ax, villages: gpd.GeoDataFrame, size: float, covered_size: float) -> None:
    covered = villages["mobile_broadband"].astype(bool)
    estimated = villages.get("location_estimated", pd.Series(False, index=villages.index))
    estimated = estimated.fillna(False).astype(bool)
    if covered.any():
        villages.loc[covered].plot(ax=ax, color=GREY, markersize=covered_size, linewidth=0)
    surveyed = villages.loc[~covered & ~estimated]
    guessed = villages.loc[~covered & estimated]
    if len(surveyed):
        surveyed.plot(ax=ax, color=RED, markersize=size, edgecolor="white", linewidth=0.4)
    if len(guessed):
        guessed.plot(ax=ax, facecolor="white", edgecolor=RED, markersize=size, linewidth=1.0)


def _village_handles(sheet: Sheet) -> list:
    dot = {"marker": "o", "linestyle": "none", "markersize": 6}
    return [
        Line2D(
            [],
            [],
            color=RED,
            markeredgecolor="white",
            label=sheet.t("legend_uncovered_surveyed"),
            **dot,
        ),
        Line2D(
            [],
            [],
            markerfacecolor="white",
            markeredgecolor=RED,
            label=sheet.t("legend_uncovered_estimated"),
            **dot,
        ),
        Line2D([], [], color=GREY, label=sheet.t("legend_covered"), **{**dot, "markersize": 2.5}),
    ]


def _legend_handles(sheet: Sheet) -> list:
    cls = sheet.classes
    handles: list = [
        Patch(facecolor=color, edgecolor="white", label=label)
        for color, label in zip(cls.colors, cls.labels, strict=True)
    ]
    if cls.nodata_count:
        handles.append(Patch(facecolor=NODATA_COLOR, label=sheet.t("legend_nodata")))
    handles += _village_handles(sheet)
    if sheet.model.districts is not None and len(sheet.model.districts):
        handles.append(Line2D([], [], color="#555555", label=sheet.t("legend_district")))
    return handles


def _province_map(fig: Figure, sheet: Sheet, box: tuple[float, float, float, float]) -> None:
    ax = _map_axes(fig, box, sheet)
    sheet.communes.plot(ax=ax, color=_fill_colors(sheet), edgecolor="white", linewidth=0.3)
    _outlines(ax, sheet)
    _villages(ax, sheet.model.villages, size=9, covered_size=1.4)


def _legend(fig: Figure, sheet: Sheet, anchor: tuple[float, float]) -> None:
    fig.legend(
        handles=_legend_handles(sheet),
        loc="upper left",
        bbox_to_anchor=anchor,
        title=sheet.t(f"metric_{METRIC}"),
        fontsize=8,
        title_fontsize=9,
        frameon=False,
        alignment="left",
    )


# --- pages --------------------------------------------------------------------------------------


def _subtitle(sheet: Sheet) -> str:
    parts = [sheet.province_text(), sheet.date_text()]
    return " · ".join(p for p in parts if p)


def cover_page(sheet: Sheet, summary: dict[str, float]) -> Figure:
    """The cover: province map, summary figures, data date, legend.

    Examples
    --------
    >>> fig = cover_page(sheet, summary_figures(model))  # doctest: +SKIP
    """
    fig = _frame(sheet, sheet.t("report_title"), _subtitle(sheet), page=1)
    _province_map(fig, sheet, MAP_BOX)
    x, y = SIDE_BOX[0], SIDE_BOX[1] + SIDE_BOX[3]
    fig.text(x, y, sheet.t("report_summary"), fontsize=12, fontweight="bold", va="top")
    rows = [
        ("report_villages", sheet.number(summary["villages"])),
        ("field_no_mbb", sheet.number(summary["villages_no_mbb"])),
        ("report_households_no_mbb", sheet.number(summary["households_no_mbb"])),
        ("report_population_no_mbb", sheet.number(summary["population_no_mbb"])),
        ("metric_share_4g", glossary.format_percent(summary["share_4g"], sheet.lang, 2)),
        (
            "metric_fibre_hh_share",
            glossary.format_percent(summary["fibre_hh_share"], sheet.lang, 2),
        ),
    ]
    for i, (key, value) in enumerate(rows):
        row_y = y - 0.05 - i * 0.036
        fig.text(x, row_y, sheet.t(key), fontsize=9.5, va="top")
        fig.text(
            0.98,
            row_y,
            value or sheet.t("legend_nodata"),
            fontsize=10,
            va="top",
            ha="right",
            fontweight="bold",
        )
    _legend(fig, sheet, (x - 0.01, y - 0.07 - len(rows) * 0.036))
    return fig


def map_figure(sheet: Sheet) -> Figure:
    """The province map alone (``--format png``), with its frame and legend.

    Examples
    --------
    >>> map_figure(sheet).savefig("map.png")  # doctest: +SKIP
    """
    fig = _frame(sheet, sheet.t("report_title"), _subtitle(sheet), page=1)
    fig.texts[-1].set_visible(False)  # a single image has no page number
    _province_map(fig, sheet, (0.02, 0.07, 0.66, 0.80))
    _legend(fig, sheet, (0.70, 0.87))
    return fig


def _commune_map(fig: Figure, sheet: Sheet, code: str, ranks: pd.DataFrame) -> None:
    ax = _map_axes(fig, (*MAP_BOX[:2], 0.4, MAP_BOX[3]), sheet)
    own = sheet.communes["commune_code"].astype(str) == code
    minx, miny, maxx, maxy = sheet.communes.loc[own].total_bounds
    pad = max(maxx - minx, maxy - miny) * 0.08
    view = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    communes = sheet.communes.cx[view[0] : view[2], view[1] : view[3]]
    mine = communes["commune_code"].astype(str) == code
    communes.loc[~mine].plot(ax=ax, color="#efefef", edgecolor="#bdbdbd", linewidth=0.4)
    fills = pd.Series(_fill_colors(sheet), index=sheet.communes.index)
    colors = fills.loc[communes.index[mine]].tolist()
    communes.loc[mine].plot(ax=ax, color=colors, edgecolor=DARK, linewidth=1.2)
    _villages(
        ax, sheet.model.villages.cx[view[0] : view[2], view[1] : view[3]], size=22, covered_size=6
    )
    for rank, point in zip(ranks["priority_rank"], ranks.geometry, strict=True):
        ax.annotate(
            str(rank),
            (point.x, point.y),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=6.5,
            color=DARK,
        )
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    fig.legend(
        handles=_village_handles(sheet),
        loc="lower left",
        bbox_to_anchor=(0.02, 0.065),
        fontsize=7.5,
        frameon=False,
    )


def commune_page(sheet: Sheet, page, number: int) -> Figure:
    """A commune's page: its map (first part only) and its table of uncovered villages.

    ``page`` is a :class:`slmap.report.ReportPage`.

    Examples
    --------
    >>> fig = commune_page(sheet, plan_pages(ranking, ["04285"])[0], 2)  # doctest: +SKIP
    """
    communes = sheet.model.communes
    row = communes.loc[communes["commune_code"].astype(str) == page.commune_code].iloc[0]
    title = f"{row['commune_name']} ({page.commune_code})"
    if page.part > 1:
        title += " " + sheet.t("report_continued", part=page.part, parts=page.parts)
    district = row.get("district_name")
    bits = [str(district) if isinstance(district, str) else "", sheet.province_text()]
    bits += [sheet.date_text(), sheet.asked]
    fig = _frame(sheet, title, " · ".join(b for b in bits if b), page=number)
    head = sheet.t("report_uncovered_in", n=sheet.number(page.total))
    if page.total == 0:
        head = sheet.t("report_none_uncovered")
    left = 0.46 if page.part == 1 else 0.02
    fig.text(left, 0.865, head, fontsize=10.5, fontweight="bold", va="top")
    if page.part == 1:
        _commune_map(fig, sheet, page.commune_code, page.rows)
    if page.total:
        draw_table(fig, sheet, page.rows, (left, 0.07, 0.98 - left, 0.76))
        fig.text(0.02, 0.045, sheet.t("report_priority_note"), fontsize=7, color=GREY)
    return fig
