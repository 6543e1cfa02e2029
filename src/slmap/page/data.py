"""The page's data in one pass: everything the map page receives, as one :class:`PageData`.

:func:`page_data` checks the options, classifies the metric once, fetches the
labels of the language and the dates of the title once, and builds the title,
legend, commune topology (:mod:`slmap.page.topology`), village columns
(:mod:`slmap.page.villages`), district lists, answers panel
(:mod:`slmap.page.answers`) and the prediction block it is given;
:func:`slmap.page.render.build_map` only turns the result into a Folium map.
Input text reaches the page only as JSON shown with ``textContent``.

Examples
--------
>>> from slmap.model import load_coverage
>>> data = page_data(load_coverage(), metric="share_4g", lang="en")  # doctest: +SKIP
>>> data.title, list(data.layers)  # doctest: +SKIP
('Mobile broadband and fibre coverage – Sơn La province', ['communes', 'uncovered', ...])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from slmap.admin.dates import display_date
from slmap.base import glossary
from slmap.base.simplify import DEFAULT_TOLERANCE
from slmap.model.classify import METRIC_KEYS, bad_option, classify
from slmap.page.answers import answers
from slmap.page.communes import (
    CHANGE_METRIC,
    COUNT_METRICS,
    commune_names,
    commune_properties,
    district_communes,
    legend_data,
    with_change,
)
from slmap.page.topology import page_topology
from slmap.page.villages import village_data, village_layers

__all__ = [
    "CANVAS_COMMUNES",
    "CANVAS_VILLAGES",
    "TILES",
    "PageData",
    "check_options",
    "display_dates",
    "page_data",
    "page_strings",
    "province_name",
    "source_name",
    "title_block",
]

#: Above this many communes (or villages) the map draws on a canvas, not SVG.
CANVAS_COMMUNES = 500
CANVAS_VILLAGES = 10_000
#: Online basemaps offered with ``tiles=`` (none by default: the map is offline).
TILES = {"osm": "OpenStreetMap"}


@dataclass(frozen=True)
class PageData:
    """The map page, ready to draw: its JSON data and its layer switcher.

    Attributes
    ----------
    lang : str
        Language of every label (``"vi"`` or ``"en"``).
    page : dict
        JSON-ready values handed to the page script (``slmapInit``): labels
        ``s``, ``metric``, ``legend``, ``title``, ``topology``, the village
        layers' columns, ``answers``, ``predict``...
    layers : dict
        Layer key -> name in the layer switcher, in drawing order (communes,
        village layers, outlines, prediction layers).
    basemap : tuple of (str, str) or None
        Online basemap as (Folium tile provider, layer name); None keeps the
        map offline.
    """

    lang: str
    page: dict[str, Any]
    layers: dict[str, str]
    basemap: tuple[str, str] | None = None

    @property
    def title(self) -> str:
        """The map's title (the HTML page's ``<title>``)."""
        return self.page["title"]["title"]

    @property
    def canvas(self) -> bool:
        """Whether everything draws on a canvas (a large map) instead of SVG."""
        return bool(self.page["canvas"])

    @property
    def predicted(self) -> bool:
        """Whether the page has prediction or plan layers (their script is then added)."""
        return bool(self.page.get("predict"))


def check_options(metric: str, tiles: str | None, lang: str) -> None:
    """Refuse an unknown metric, basemap or language (the metric and basemap name their option).

    Raises
    ------
    InputError
        ``--metric`` or ``--tiles`` unknown.
    ValueError
        ``lang`` is neither ``"vi"`` nor ``"en"``.
    """
    if metric not in (*METRIC_KEYS, CHANGE_METRIC):
        raise bad_option(
            "--metric", f"unknown metric {metric!r}; expected {', '.join(METRIC_KEYS)}"
        )
    if tiles is not None and tiles not in TILES:
        raise bad_option("--tiles", f"unknown basemap {tiles!r}; expected osm")
    glossary.t("title", lang)  # validates lang


def page_data(
    model: Any,
    *,
    metric: str = "villages_no_mbb",
    scheme: str | None = None,
    k: int = 5,
    breaks: str | list[float] | None = None,
    lang: str = "vi",
    tiles: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    change: Any = None,
    predicted: dict[str, Any] | None = None,
) -> PageData:
    """Everything the coverage map of ``model`` shows, built in one pass.

    Parameters
    ----------
    model : slmap.model.CoverageModel
        Communes, villages, optional districts and province, provenance.
    metric : str, default "villages_no_mbb"
        Commune metric to colour: one of ``villages_no_mbb``, ``share_4g``,
        ``pop_4g_share``, ``fibre_hh_share``.
    scheme, k, breaks
        Classification (see :func:`slmap.model.classify.classify`).
    lang : {"vi", "en"}, default "vi"
        Language of every label, legend entry, tooltip and popup.
    tiles : {"osm"} or None, default None
        Online basemap; ``None`` keeps the map fully offline.
    tolerance : float
        Boundary simplification tolerance in degrees (0 keeps every vertex).
    change : slmap.model.change.Change, optional
        Draw a change map: communes coloured by villages newly covered, and
        three village layers (newly covered, still uncovered, newly
        uncovered) instead of uncovered and covered. ``model`` is the model
        of the later date.
    predicted : dict, optional
        Prediction and plan layers from :func:`slmap.page.predict.page_data`
        (existing sites, predicted area, disagreements, proposed sites).

    Returns
    -------
    PageData
        Ready to draw with :func:`slmap.page.render.build_map`.

    Raises
    ------
    InputError
        Unknown metric or basemap (see :func:`check_options`), bad breaks.
    ValueError
        Unknown language.

    Examples
    --------
    >>> from slmap.model import load_coverage
    >>> data = page_data(load_coverage(), metric="share_4g", lang="en")  # doctest: +SKIP
    >>> data.page["legend"]["title"]  # doctest: +SKIP
    'Share of villages with 4G'
    """
    if change is not None:
        model, metric = with_change(model, change), CHANGE_METRIC
    check_options(metric, tiles, lang)
    layout = getattr(model.provenance, "layout", "2025")
    s = page_strings(lang, layout)
    dates = display_dates(model, change, lang)
    cls = classify(
        model.communes[metric], metric=metric, scheme=scheme, k=k, breaks=breaks, lang=lang
    )
    label = s[f"metric_{metric}"]
    unit = s["unit_count" if metric in COUNT_METRICS else "unit_percent"]
    layers = village_layers(model, change, lang, s)
    n_villages = sum(len(frame) for frame, _ in layers.values())
    canvas = len(model.communes) > CANVAS_COMMUNES or n_villages > CANVAS_VILLAGES
    page = {
        "lang": lang,
        "tiles": tiles is not None,
        "s": s,
        "metric": {"key": metric, "label": label, "unit": unit},
        "legend": legend_data(cls, label, unit),
        "nodataColor": "#d9d9d9",
        "title": title_block(model, label, lang, change, strings=s, dates=dates),
        "topology": page_topology(model, commune_properties(model, metric, cls, lang), tolerance),
        "communeNames": commune_names(model),
        "canvas": canvas,
        "change": change is not None,
        "districtLegend": s["legend_district" if layout == "2025" else "layer_districts_current"],
    }
    page |= village_data(layers, model, canvas)
    page["districtCommunes"] = district_communes(model)
    page["answers"] = answers(model) if change is None else None
    page["zoomHint"] = s["zoom_hint"].format(z=max(page["minZoom"].values()))
    page["predict"] = predicted
    basemap = None if tiles is None else (TILES[tiles], s["layer_osm"])
    return PageData(lang, page, _layer_names(page, s, layout), basemap)


def _layer_names(page: dict[str, Any], s: dict[str, str], layout: str) -> dict[str, str]:
    """The layer switcher: communes, village layers, outlines drawn, prediction layers."""
    names = {"communes": s["layer_communes"].format(metric=page["metric"]["label"])}
    names |= page["layerNames"]
    outlines = page["topology"]["objects"]
    if "districts" in outlines:
        names["districts"] = s["layer_districts" if layout == "2025" else "layer_districts_current"]
    if "province" in outlines:
        names["province"] = s["layer_province"]
    if page["predict"]:
        names |= page["predict"]["layers"]
    return names


def province_name(model: Any, lang: str = "vi", *, strings: dict[str, str] | None = None) -> str:
    """The place a map shows, as its title names it.

    ``Việt Nam`` (``Vietnam`` in English) for the whole country; the official
    names of a list of provinces joined by commas (without "Tỉnh" in
    English); one province as "Tỉnh Sơn La" / "Sơn La province", a city as
    "Thành phố Hà Nội" / "Hà Nội". ``strings`` are the labels of ``lang``
    when the caller has them already.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> m = SimpleNamespace(province=None, communes=None,
    ...                     provenance=SimpleNamespace(province_codes=("all",)))
    >>> province_name(m), province_name(m, "en")
    ('Việt Nam', 'Vietnam')
    >>> m.provenance.province_codes = ("14", "01")
    >>> province_name(m), province_name(m, "en")
    ('Tỉnh Sơn La, Thành phố Hà Nội', 'Sơn La, Hà Nội')
    """
    from slmap.admin.registry import province_label
    from slmap.base.names import strip_prefix

    codes = tuple(getattr(getattr(model, "provenance", None), "province_codes", None) or ())
    if "all" in codes:
        return province_label(None, lang)
    if len(codes) > 1:
        names = province_label(codes).split(", ")
        return ", ".join(names if lang == "vi" else [strip_prefix(n) for n in names])
    name = ""
    for frame in (model.province, model.communes):
        if frame is not None and "province_name" in frame and len(frame):
            name = str(frame["province_name"].iloc[0])
            break
    if not name.startswith(("Tỉnh ", "tỉnh ")):
        return name if lang == "vi" else strip_prefix(name)
    s = glossary.strings(lang) if strings is None else strings
    return s["province"].format(name=name[len("Tỉnh ") :])


_SPLIT = re.compile(r"^(.*) \(split into the (\S+) layout\)$")


def source_name(source: Any, lang: str = "en", *, strings: dict[str, str] | None = None) -> str:
    """File name of a source path (a reader needs no local folders), in ``lang``.

    Examples
    --------
    >>> source_name("/d/wards_14.json (split into the 2023 layout)", "vi")
    'wards_14.json (chia theo bố cục 2023)'
    """
    text = str(source or "")
    split = _SPLIT.match(text)
    approximate = text.startswith("approximate boundaries from official commune centres")
    if not (split or approximate):
        return PurePath(text).name if ("/" in text or "\\" in text) else text
    s = glossary.strings(lang) if strings is None else strings
    if split:
        inner = source_name(split.group(1), lang, strings=s)
        return s["source_split"].format(source=inner, layout=split.group(2))
    return s["source_approximate"]


def display_dates(model: Any, change: Any, lang: str) -> dict[str, str]:
    """The dates a title shows, as a reader of ``lang`` writes them.

    ``before`` and ``after`` for a change map (``"?"`` when unknown), else
    ``data`` (the register's date) when the model has one, else nothing.
    """
    if change is not None:
        return {
            "before": display_date(change.as_of_before, lang) or "?",
            "after": display_date(change.as_of_after, lang) or "?",
        }
    date = getattr(model.provenance, "data_date", None)
    return {"data": display_date(date, lang)} if date else {}


def title_block(
    model: Any,
    metric_label: str,
    lang: str,
    change: Any = None,
    *,
    strings: dict[str, str] | None = None,
    dates: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The title block: title with the place, subtitle with metric and date, sources, flags.

    ``strings`` (the labels of ``lang``) and ``dates`` (:func:`display_dates`)
    are fetched here unless the caller has them already.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> prov = SimpleNamespace(data_date="2022-12-31", boundaries="/d/w.json", register="")
    >>> m = SimpleNamespace(province=None, communes=None, provenance=prov)
    >>> title_block(m, "Share of villages with 4G", "en")["subtitle"]
    'Share of villages with 4G · Data as of 31 Dec 2022'
    """
    s = glossary.strings(lang) if strings is None else strings
    dates = display_dates(model, change, lang) if dates is None else dates
    prov = model.provenance
    name = province_name(model, lang, strings=s)
    title = f"{s['title']} – {name}" if name else s["title"]
    subtitle = metric_label
    if "before" in dates:
        subtitle = f"{metric_label} · {s['change_period'].format(**dates)}"
    elif "data" in dates:
        subtitle = f"{metric_label} · {s['data_date'].format(date=dates['data'])}"
    sources = s["sources"].format(
        boundaries=source_name(getattr(prov, "boundaries", ""), lang, strings=s),
        register=source_name(getattr(prov, "register", ""), lang, strings=s),
    )
    return {
        "title": title,
        "subtitle": subtitle,
        "sources": sources,
        "sample": bool(getattr(prov, "sample", False)),
        "approximate": bool(getattr(prov, "approximate", False)),
    }


def page_strings(lang: str, layout: str) -> dict[str, str]:
    """Every label of ``lang`` the page uses; before 2025 a district is a current one."""
    strings = glossary.strings(lang)
    if layout != "2025":
        strings["field_district"] = strings["layer_districts_current"]
    return strings
