"""The coverage model: communes, villages, districts and province, joined.

:func:`load_coverage` is the one entry point that reads every source,
validates, joins to official codes, places villages and measures.
:func:`build_model` does the same from objects already in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap import registry
from slmap.errors import InputError, Problem, ValidationError
from slmap.joins import join_communes_to_registry, resolve_village_communes
from slmap.metrics import summarise
from slmap.place import place_villages
from slmap.simplify import clean_coverage
from slmap.sources import BoundarySet, TableRead
from slmap.validate import check_boundaries, check_register, raise_or_split

__all__ = ["CoverageModel", "Provenance", "build_model", "load_coverage"]


@dataclass
class Provenance:
    """Where the model's data came from."""

    boundaries: str
    register: str
    layout: str
    sample: bool = False
    approximate: bool = False
    data_date: str = field(default_factory=lambda: date.today().isoformat())
    province_codes: tuple[str, ...] = ("14",)
    statistics: str | None = None


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

    @property
    def uncovered(self) -> gpd.GeoDataFrame:
        """Villages lacking mobile broadband."""
        return self.villages[~self.villages["mobile_broadband"]]


def load_coverage(
    boundaries: str | Path | None = None,
    register: str | Path | None = None,
    statistics: str | Path | None = None,
    *,
    layer: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    keep_going: bool = False,
    province: str = "14",
    approximate: bool = True,
) -> CoverageModel:
    """Read, validate, join and measure: the whole pipeline.

    Parameters
    ----------
    boundaries : path, optional
        Commune boundaries; default: the pinned files in ``SLMAP_DATA_DIR``
        or the cache.
    register : path, optional
        Village register; default: the embedded synthetic sample.
    statistics : path, optional
        Commune statistics that replace the village sums where given.
    layer, code_field, name_field : str, optional
        See :func:`slmap.sources.read_boundaries`.
    encoding, sheet : str, optional
        See :func:`slmap.sources.read_register`.
    keep_going : bool
        Load the good rows and return the bad ones in ``rejects`` instead of
        raising.
    province : str
        GSO province code, a comma-separated list, or ``"all"``.
    approximate : bool
        Fall back to approximate boundaries when no boundary file is found.

    Raises
    ------
    ValidationError
        Every problem found, at once (unless ``keep_going``).

    Examples
    --------
    >>> m = load_coverage()  # doctest: +SKIP
    >>> int(m.province["villages_no_mbb"].iloc[0])  # doctest: +SKIP
    123
    """
    from slmap.sources import (
        locate_boundaries,
        read_register,
        read_statistics,
        sample_register_path,
    )

    communes_set, outlines = locate_boundaries(
        boundaries,
        layer=layer,
        code_field=code_field,
        name_field=name_field,
        province=province,
        approximate=approximate,
    )
    sample = register is None
    register_path = Path(register) if register is not None else sample_register_path()
    table = read_register(register_path, encoding=encoding, sheet=sheet)
    stats = read_statistics(statistics) if statistics is not None else None
    return build_model(
        communes_set,
        table,
        outlines=outlines,
        statistics=stats,
        keep_going=keep_going,
        sample=sample,
        province=province,
        data_date=SAMPLE_DATA_DATE if sample else _modified(register_path),
    )


#: The sample reproduces figures published in 2023 (DESIGN §1).
SAMPLE_DATA_DATE = "2023"


def _modified(path: Path) -> str:
    """Date the register file was last modified (the best data date a file gives)."""
    return date.fromtimestamp(path.stat().st_mtime).isoformat()


def build_model(
    communes_set: BoundarySet,
    table: TableRead,
    *,
    outlines: BoundarySet | None = None,
    statistics: TableRead | None = None,
    keep_going: bool = False,
    sample: bool = False,
    province: str = "14",
    data_date: str | None = None,
) -> CoverageModel:
    """Build a :class:`CoverageModel` from sources already read.

    ``data_date`` is shown on maps and in exports (default: today).
    """
    problems: list[Problem] = list(communes_set.problems) + list(table.problems)
    communes, boundary_problems = check_boundaries(communes_set.communes, communes_set.source)
    communes, join_problems, layout = join_communes_to_registry(
        communes, communes_set.source, communes_set.schema, province
    )
    boundary_problems += join_problems
    boundary_errors = [p for p in boundary_problems if p.severity == "error"]
    if boundary_errors and not keep_going:
        raise ValidationError(
            f"{communes_set.source}: {len(boundary_errors)} problem(s) in the boundaries",
            boundary_errors,
        )
    problems += boundary_problems
    communes = communes[communes["commune_code"].notna()]
    communes, coverage_problems = _clean_coverage(communes, communes_set.source)
    problems += coverage_problems
    typed, row_problems = check_register(table.frame, table.headers, table.source)
    typed, ref_problems = resolve_village_communes(
        typed, table.headers, table.source, communes, layout, province
    )
    all_row = row_problems + ref_problems
    loaded, rejects = raise_or_split(
        typed, all_row, table.frame, keep_going=keep_going, what=table.source
    )
    problems += [p for p in all_row if p.severity == "warning"]
    if keep_going:
        problems += [p for p in all_row if p.severity == "error"]
    villages, place_problems = place_villages(loaded, communes, table.source, table.headers)
    problems += place_problems
    villages = _attach_districts(villages, communes, outlines)
    commune_stats = summarise(villages, "commune_code", pd.Index(communes["commune_code"]))
    if statistics is not None:
        commune_stats, stat_problems = _apply_statistics(commune_stats, statistics, communes)
        problems += stat_problems
    communes = _with_metrics(communes.set_index("commune_code", drop=False), commune_stats)
    districts = _district_layer(villages, communes, outlines)
    province_gdf = _province_layer(villages, communes, outlines, province)
    provenance = Provenance(
        boundaries=communes_set.source,
        register=table.source,
        layout=layout,
        sample=sample,
        approximate=bool(communes.get("approximate", pd.Series(False)).any()),
        province_codes=(province,),
        statistics=statistics.source if statistics is not None else None,
    )
    if data_date:
        provenance.data_date = data_date
    return CoverageModel(
        communes=communes,
        villages=villages,
        districts=districts,
        province=province_gdf,
        provenance=provenance,
        problems=problems,
        rejects=rejects,
        read_count=len(table.frame),
    )


def _clean_coverage(communes: gpd.GeoDataFrame, src: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Close slivers and overlaps between neighbouring communes, and say so.

    Published files were often simplified polygon by polygon (the Sơn La
    file has ~800 slivers and ~180 overlapping pairs). Made into a proper
    coverage once here, every later step (placing villages, maps, exports)
    sees each place in exactly one commune.
    """
    before = communes.geometry.to_numpy()
    after = clean_coverage(before)
    changed = ~shapely.equals(before, after)
    if not changed.any():
        return communes, []
    moved = shapely.area(shapely.symmetric_difference(before[changed], after[changed])).sum()
    lat = np.radians(communes.geometry.total_bounds[[1, 3]].mean())
    km2 = moved * 111.32**2 * np.cos(lat) / 2  # each moved piece leaves one commune, joins another
    problems = [
        Problem(
            src,
            f"slivers and overlaps between neighbouring communes closed: {int(changed.sum())} of "
            f"{len(communes)} communes adjusted, {km2:.1f} km² reassigned in all",
            column="geometry",
            severity="warning",
            kind="coverage_cleaned",
        )
    ]
    return communes.set_geometry(
        gpd.GeoSeries(after, index=communes.index, crs=communes.crs)
    ), problems


def _attach_districts(
    villages: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, outlines: BoundarySet | None
) -> gpd.GeoDataFrame:
    """Former district of each village: from its old code, else its commune."""
    villages = villages.copy()
    by_commune = communes.set_index("commune_code")
    villages["commune_name"] = villages["commune_code"].map(by_commune["commune_name"])
    district_code = villages["commune_code"].map(by_commune["district_code"])
    if "commune_code_old" in villages:
        legacy = registry.communes("legacy").set_index("commune_code")
        from_old = villages["commune_code_old"].map(legacy["district_code"])
        district_code = from_old.fillna(district_code)
    else:
        villages["commune_code_old"] = pd.array([pd.NA] * len(villages), dtype="string")
    villages["district_code"] = district_code.astype("string")
    names = registry.districts().set_index("district_code")["district_name"]
    villages["district_name"] = villages["district_code"].map(names).astype("string")
    return villages


def _with_metrics(communes: gpd.GeoDataFrame, stats: pd.DataFrame) -> gpd.GeoDataFrame:
    communes = communes.drop(columns=[c for c in stats.columns if c in communes])
    communes = communes.join(stats)
    communes.index.name = None
    return communes


def _district_layer(
    villages: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, outlines: BoundarySet | None
) -> gpd.GeoDataFrame | None:
    codes = sorted(
        set(villages["district_code"].dropna()) | set(communes["district_code"].dropna())
    )
    if not codes:
        return None
    stats = summarise(villages, "district_code", pd.Index(codes))
    names = registry.districts().set_index("district_code")["district_name"]
    if outlines is not None and outlines.districts is not None:
        geom = outlines.districts.set_index("district_code").geometry.reindex(codes)
    else:
        geom = communes.dissolve("district_code").geometry.reindex(codes)
    gdf = gpd.GeoDataFrame(
        {"district_code": codes, "district_name": [names.get(c) for c in codes]},
        geometry=geom.to_numpy(),
        crs="EPSG:4326",
        index=pd.Index(codes),
    )
    out = gdf.join(stats)
    out.index.name = None
    return out


def _province_layer(
    villages: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    outlines: BoundarySet | None,
    province: str,
) -> gpd.GeoDataFrame:
    stats = summarise(villages, None, pd.Index(["all"]))
    if outlines is not None and outlines.province is not None:
        geom = shapely.union_all(outlines.province.geometry.to_numpy())
    else:
        geom = shapely.coverage_union_all(communes.geometry.to_numpy()) if len(communes) else None
    name = communes["province_name"].iloc[0] if len(communes) else None
    gdf = gpd.GeoDataFrame(
        {"province_code": [province], "province_name": [name]},
        geometry=[geom],
        crs="EPSG:4326",
        index=pd.Index(["all"]),
    )
    out = gdf.join(stats)
    out.index = pd.Index([province])
    return out


def _apply_statistics(
    stats: pd.DataFrame, table: TableRead, communes: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, list[Problem]]:
    """Replace village sums by the commune statistics where they are given."""
    from slmap.schema import parse_bool, parse_int

    problems: list[Problem] = []
    frame = table.frame
    known = set(communes["commune_code"])
    stats = stats.copy()
    for _, rec in frame.iterrows():
        code = str(rec["commune_code"]).strip().zfill(5)
        if code not in known:
            problems.append(
                Problem(
                    table.source,
                    f"unknown commune code {code!r}; expected one of the loaded communes",
                    row=int(rec["row"]),
                    column=table.headers["commune_code"],
                    kind="unknown_code",
                )
            )
            continue
        for name, parser in (
            ("households", parse_int),
            ("population", parse_int),
            ("fibre_households", parse_int),
            ("fibre_backbone", parse_bool),
        ):
            if name not in frame:
                continue
            try:
                value = parser(rec[name])
            except ValueError as exc:
                problems.append(
                    Problem(table.source, str(exc), row=int(rec["row"]), column=table.headers[name])
                )
                continue
            if value is not None:
                stats.loc[code, name] = value
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(f"{table.source}: {len(errors)} problem(s) in the statistics", errors)
    hh = stats["households"].astype("Float64")
    stats["fibre_hh_share"] = (
        stats["fibre_households"].astype("Float64") / hh.where(hh > 0) * 100
    ).astype(float)
    return stats, problems
