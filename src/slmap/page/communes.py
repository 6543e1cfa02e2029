"""What the page carries of each commune: its metric as text, its class, its legend.

The commune geometry travels apart, as a topology (:mod:`slmap.page.topology`);
here are the properties the page shows beside it, the legend of the classes,
the former districts' communes (search finds districts too) and the change
map's commune metric.

Examples
--------
>>> format_metric("share_4g", 93.26, "vi"), format_metric("villages_no_mbb", 1234, "en")
('93,3 %', '1,234')
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from slmap.base import glossary
from slmap.model.classify import Classification
from slmap.page.json_values import json_int, json_value

__all__ = [
    "CHANGE_METRIC",
    "COUNT_METRICS",
    "commune_names",
    "commune_properties",
    "district_communes",
    "format_metric",
    "legend_data",
    "with_change",
]

#: The commune metric of a change map (see :mod:`slmap.model.change`).
CHANGE_METRIC = "newly_covered"
#: Metrics that count villages (the others are percentages).
COUNT_METRICS = ("villages_no_mbb", CHANGE_METRIC)


def commune_names(model: Any) -> dict[str, Any]:
    """Commune code -> name (None when missing), for every commune of the model."""
    return {str(code): json_value(name) for code, name in model.communes["commune_name"].items()}


def format_metric(metric: str, value: Any, lang: str) -> str | None:
    """A commune's metric as the page shows it: a count, or a percentage; None when missing."""
    value = json_value(value)
    if value is None:
        return None
    if metric in COUNT_METRICS:
        return glossary.format_number(value, lang)
    return glossary.format_percent(value, lang)


def commune_properties(
    model: Any, metric: str, cls: Classification, lang: str
) -> list[dict[str, Any]]:
    """What the page shows of each commune, in the communes' order.

    ``code``, ``name``, ``v`` the metric as text, ``k`` its class (-1 no
    data), ``u`` villages without mobile broadband and ``n`` villages. The
    geometry travels apart, as a topology (see :mod:`slmap.page.topology`).
    """
    communes = model.communes
    return [
        {
            "code": str(code),
            "name": json_value(row.commune_name),
            "v": format_metric(metric, getattr(row, metric), lang),
            "k": int(k),
            "u": json_int(row.villages_no_mbb),
            "n": json_int(row.villages),
        }
        for code, row, k in zip(communes.index, communes.itertuples(), cls.classes, strict=True)
    ]


def with_change(model: Any, change: Any) -> Any:
    """The model with the communes' ``newly_covered`` count of a change."""
    rows = change.rows[change.rows["level"] == "commune"].set_index("code")
    communes = model.communes.copy()
    communes[CHANGE_METRIC] = rows[CHANGE_METRIC].reindex(communes.index.astype(str)).to_numpy()
    return SimpleNamespace(
        communes=communes,
        villages=model.villages,
        districts=model.districts,
        province=model.province,
        provenance=model.provenance,
    )


def legend_data(cls: Classification, label: str, unit: str) -> dict[str, Any]:
    """The legend of the communes' classes: title, unit, each class and the no-data count."""
    return {
        "title": label,
        "unit": f"({unit})",
        "classes": [
            {"label": lab, "color": col, "count": cnt}
            for lab, col, cnt in zip(cls.labels, cls.colors, cls.counts, strict=True)
        ],
        "nodataCount": cls.nodata_count,
    }


def district_communes(model: Any) -> dict[str, list[str]]:
    """Former district name -> codes of its communes (search finds districts too).

    A 2025 commune belongs to the former district most of its former communes
    were in (see :mod:`slmap.admin.layouts`).
    """
    communes = model.communes
    if "district_name" not in communes:
        return {}
    out: dict[str, list[str]] = {}
    for code, name in communes["district_name"].items():
        if json_value(name) is not None:
            out.setdefault(str(name), []).append(str(code))
    return out
