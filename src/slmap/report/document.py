"""Static coverage report: a PDF (cover and one page per commune) or a PNG map.

Made with matplotlib, without a browser. The cover holds the province map
(communes coloured by villages without mobile broadband, as the HTML map's
default metric; villages without mobile broadband in red), the summary
figures of ``slmap stats --level province`` and the data date. Each commune
with villages without mobile broadband then gets a page: a map of the commune
and the table of those villages ranked by the priority score of
:func:`slmap.model.ranking.priority_ranking`; a longer table continues on the next
page. Text is embedded as TrueType (DejaVu Sans, full Vietnamese coverage), so
it can be searched and extracted, and every string is drawn verbatim (no
maths parsing of ``$``: :data:`RC`). Nothing is written here: the functions
return bytes and :mod:`slmap.cli` writes them atomically.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd

from slmap.base import metrics
from slmap.base.names import fold
from slmap.model import query as q
from slmap.model.ranking import priority_ranking

__all__ = [
    "ROWS_FIRST",
    "ROWS_MORE",
    "ReportPage",
    "plan_pages",
    "report_pdf",
    "report_png",
    "summary_figures",
]

#: Table rows on a commune's first page (beside its map) and on each continuation page.
ROWS_FIRST = 26
ROWS_MORE = 34

#: matplotlib settings of every report: TrueType fonts embedded (searchable text), and
#: every string drawn as written. matplotlib reads text between two ``$`` as maths
#: ("Bản Giá $5 và $10" came out as "Bản Giá 5và10"; "$x^$" raised) and takes the
#: setting when a text is made, so every title, cell, label, legend and footer of a
#: page must be made inside ``matplotlib.rc_context(RC)``, as report_pdf and
#: report_png do.
RC = {
    "text.parse_math": False,
    "text.usetex": False,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "svg.fonttype": "none",
}


@dataclass(frozen=True)
class ReportPage:
    """One page after the cover: a commune and the slice of its table shown.

    Attributes
    ----------
    commune_code : str
        GSO code of the commune.
    rows : pandas.DataFrame
        Its villages without mobile broadband shown on this page, by priority.
    total : int
        Number of such villages in the commune (over every part).
    part, parts : int
        This page's part (1-based) and the number of parts of the commune.
    """

    commune_code: str
    rows: pd.DataFrame
    total: int
    part: int
    parts: int


def summary_figures(model) -> dict[str, float]:
    """The province figures of the cover (the numbers of ``slmap stats --level province``).

    Returns
    -------
    dict
        ``villages``, ``villages_no_mbb``, ``households_no_mbb``,
        ``population_no_mbb``, ``share_4g`` and ``fibre_hh_share`` (percent);
        NaN where the data is missing ("no data", never 0).

    Examples
    --------
    >>> summary_figures(model)["villages_no_mbb"]  # doctest: +SKIP
    123
    """
    province = model.province
    if province is not None and len(province) == 1:
        row = province.iloc[0]
    else:  # several provinces, or none: the same sums over every village
        row = metrics.summarise(model.villages).iloc[0]
    villages = model.villages
    uncovered = villages.loc[~villages["mobile_broadband"].astype(bool)]

    def total(column: str) -> float:
        if column not in uncovered:
            return math.nan
        value = pd.to_numeric(uncovered[column], errors="coerce").sum(min_count=1)
        return float(value) if pd.notna(value) else math.nan

    def number(key: str) -> float:
        value = row.get(key)
        return float(value) if value is not None and pd.notna(value) else math.nan

    return {
        "villages": number("villages"),
        "villages_no_mbb": number("villages_no_mbb"),
        "households_no_mbb": total("households") if len(uncovered) else 0.0,
        "population_no_mbb": total("population") if len(uncovered) else 0.0,
        "share_4g": number("share_4g"),
        "fibre_hh_share": number("fibre_hh_share"),
    }


def _chunks(rows: pd.DataFrame) -> list[pd.DataFrame]:
    parts = [rows.iloc[:ROWS_FIRST]]
    rest = rows.iloc[ROWS_FIRST:]
    while len(rest):
        parts.append(rest.iloc[:ROWS_MORE])
        rest = rest.iloc[ROWS_MORE:]
    return parts


def plan_pages(ranking: pd.DataFrame, codes: list[str]) -> list[ReportPage]:
    """The pages after the cover: each commune of ``codes``, its table cut into pages.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Villages without mobile broadband by priority
        (:func:`slmap.model.ranking.priority_ranking`).
    codes : list of str
        Communes to show, in order. A commune without such villages gets one
        page saying so.

    Examples
    --------
    >>> rows = pd.DataFrame({"commune_code": ["1"] * 30 + ["2"], "v": range(31)})
    >>> [(p.commune_code, len(p.rows), p.part, p.parts) for p in plan_pages(rows, ["1", "2"])]
    [('1', 26, 1, 2), ('1', 4, 2, 2), ('2', 1, 1, 1)]
    """
    pages: list[ReportPage] = []
    by_commune = ranking["commune_code"].astype(str)
    for code in codes:
        rows = ranking.loc[by_commune == code]
        parts = _chunks(rows)
        for i, part in enumerate(parts, start=1):
            pages.append(ReportPage(code, part, len(rows), i, len(parts)))
    return pages


def _communes_to_show(model, ranking: pd.DataFrame, commune: str | None) -> tuple[list[str], str]:
    """The communes of the pages, and how ``commune`` was resolved when another layout's."""
    if commune is not None:
        found = q.find_commune(model, commune)
        return list(found.codes), found.note or ""
    with_uncovered = set(ranking["commune_code"].astype(str))
    frame = model.communes.assign(_code=model.communes["commune_code"].astype(str))
    frame = frame.loc[frame["_code"].isin(with_uncovered)]
    order = ["district_name", "commune_name"] if "district_name" in frame else ["commune_name"]
    frame = frame.assign(**{f"_{c}": frame[c].astype(str).map(fold) for c in order})
    return frame.sort_values([f"_{c}" for c in order])["_code"].tolist(), ""


def report_pdf(model, *, lang: str = "vi", commune: str | None = None) -> bytes:
    """Build the PDF report of ``model``.

    Parameters
    ----------
    model : slmap.model.CoverageModel
        Communes, villages and provenance (in the layout asked for).
    lang : {"vi", "en"}, default "vi"
        Language of every label.
    commune : str, optional
        Name (any accents/case) or GSO code of any layout, resolved by
        :func:`slmap.model.query.find_commune`: the report holds the cover and
        that commune's pages only; a unit of another layout is named, with
        what became of it, under each page's title.

    Returns
    -------
    bytes
        The PDF: 1 page for the cover, then one per commune with villages
        without mobile broadband (more when its table is longer than a page).

    Raises
    ------
    InputError
        Unknown or ambiguous ``commune``.

    Examples
    --------
    >>> data = report_pdf(load_coverage(), lang="en")  # doctest: +SKIP
    >>> data[:5]  # doctest: +SKIP
    b'%PDF-'
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from slmap.report import pages as rp

    ranking = priority_ranking(model)
    codes, note = _communes_to_show(model, ranking, commune)
    pages = plan_pages(ranking, codes)
    sheet = rp.Sheet.of(model, ranking, lang, n_pages=1 + len(pages))
    sheet.asked = note
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC), PdfPages(buffer, metadata=sheet.pdf_metadata()) as pdf:
        figure = rp.cover_page(sheet, summary_figures(model))
        pdf.savefig(figure)
        for number, page in enumerate(pages, start=2):
            pdf.savefig(rp.commune_page(sheet, page, number))
    return buffer.getvalue()


def report_png(model, *, lang: str = "vi", dpi: int = 200) -> bytes:
    """Build the province map of the cover as one PNG image.

    Examples
    --------
    >>> data = report_png(load_coverage())  # doctest: +SKIP
    >>> data[:4]  # doctest: +SKIP
    b'\\x89PNG'
    """
    import matplotlib

    from slmap.report import pages as rp

    ranking = priority_ranking(model)
    sheet = rp.Sheet.of(model, ranking, lang, n_pages=1)
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        rp.map_figure(sheet).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
