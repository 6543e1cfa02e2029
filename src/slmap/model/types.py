"""The coverage model's data: :class:`CoverageModel`, :class:`Provenance`, and their stored form.

:func:`model_parts` splits a model into a JSON-able dict and its tables;
:func:`model_from_parts` puts it back together. The model cache
(:mod:`slmap.sources.cache`) keeps models in that form.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from slmap.base.errors import Problem

__all__ = ["FRAMES", "CoverageModel", "Provenance", "model_from_parts", "model_parts"]

#: The tables of a model, in the order they are stored.
FRAMES = ("communes", "villages", "districts", "province", "rejects")


@dataclass
class Provenance:
    """Where the model's data came from."""

    boundaries: str
    register: str
    layout: str
    sample: bool = False
    approximate: bool = False
    data_date: str | None = None
    province_codes: tuple[str, ...] = ("14",)
    statistics: str | None = None
    as_of: str | None = None
    input_layouts: dict[str, str] = field(default_factory=dict)
    layout_reasons: dict[str, str] = field(default_factory=dict)


@dataclass
class CoverageModel:
    """Communes, villages, former districts and province, with metrics.

    See the package documentation for the columns of each table.
    """

    communes: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame | None
    province: gpd.GeoDataFrame | None
    provenance: Provenance
    problems: list[Problem] = field(default_factory=list)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    read_count: int = 0


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones (JSON cannot hold them)."""
    return value.item() if hasattr(value, "item") else value


def model_parts(model: CoverageModel) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``model`` into a JSON-able dict and its tables (every field, nothing lost).

    Examples
    --------
    >>> import geopandas as gpd
    >>> m = CoverageModel(gpd.GeoDataFrame(), gpd.GeoDataFrame(), None, None,
    ...                   Provenance("b.geojson", "v.csv", "2025"), read_count=3)
    >>> meta, frames = model_parts(m)
    >>> meta["read_count"], sorted(frames)
    (3, ['communes', 'districts', 'province', 'rejects', 'villages'])
    >>> back = model_from_parts(meta, frames)
    >>> back.provenance == m.provenance, back.read_count
    (True, 3)
    """
    provenance = {k: _plain(v) for k, v in dataclasses.asdict(model.provenance).items()}
    problems = [{k: _plain(v) for k, v in dataclasses.asdict(p).items()} for p in model.problems]
    meta = {
        "provenance": provenance,
        "problems": problems,
        "read_count": int(model.read_count),
    }
    return meta, {name: getattr(model, name) for name in FRAMES}


def model_from_parts(meta: dict[str, Any], frames: dict[str, Any]) -> CoverageModel:
    """The inverse of :func:`model_parts`."""
    provenance = dict(meta["provenance"])
    provenance["province_codes"] = tuple(provenance["province_codes"])
    rejects = frames.get("rejects")
    return CoverageModel(
        communes=frames["communes"],
        villages=frames["villages"],
        districts=frames.get("districts"),
        province=frames.get("province"),
        provenance=Provenance(**provenance),
        problems=[Problem(**p) for p in meta["problems"]],
        rejects=pd.DataFrame() if rejects is None else rejects,
        read_count=int(meta["read_count"]),
    )
