"""The coverage model: communes, villages, districts and province, joined.

:func:`load_coverage` is the one entry point that reads every source,
validates, joins to official codes, places villages and measures.
:func:`build_model` does the same from objects already in memory.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from slmap.admin import layouts
from slmap.admin.convert import communes_forward, villages_forward
from slmap.admin.dates import AS_OF_HEADERS, fold_header, parse_date
from slmap.admin.locate import locate_boundaries
from slmap.admin.scope import register_scope
from slmap.base.errors import InputError, Problem, ValidationError
from slmap.base.metrics import summarise
from slmap.model import levels
from slmap.model.join_villages import resolve_village_communes
from slmap.model.joins import join_communes_to_registry
from slmap.model.place import place_villages
from slmap.model.repair import clean_commune_coverage
from slmap.model.statistics import apply_statistics
from slmap.model.types import CoverageModel, Provenance, model_from_parts, model_parts
from slmap.model.validate import check_boundaries, check_register, raise_or_split
from slmap.sources import (
    SAMPLE_DATES,
    BoundarySet,
    TableRead,
    find_pinned,
    read_statistics,
    read_village_table,
    sample_register_path,
)

__all__ = ["CoverageModel", "Provenance", "build_model", "load_coverage"]


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
    layout: str | None = None,
    input_layout: str | None = None,
    district_field: str | None = None,
    as_of: str | None = None,
    uncovered_list: bool | None = None,
    verbose: bool = False,
    use_cache: bool = True,
) -> CoverageModel:
    """Read, validate, join and measure: the whole pipeline.

    The model is kept in the model cache (:mod:`slmap.sources.cache`), keyed by
    every argument, the bytes of every input file and slmap's own source: a
    later call with the same inputs starts from it, problems included.

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
    layout : str, optional
        Layout of the outputs ("2023", "2025-03" or "2025"); default: the
        boundaries' layout. Inputs in older layouts are converted forward.
    input_layout : str, optional
        Force the layout the inputs are keyed to (else detected).
    district_field : str, optional
        Field of the boundary file holding the district name.
    as_of : str, optional
        The date the register describes (else its ``as_of`` column). Without
        a register: which sample date, "2021-12-31" or "2022-12-31" (default).
    uncovered_list : bool, optional
        Read the register as a published list of villages without mobile
        broadband (None: detect).
    verbose : bool
        List every unmatched unit instead of a short diagnosis.
    use_cache : bool
        False: build from the inputs, and read or write no cache entry
        (approximate communes included).

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
    arguments = dict(locals())  # every argument is keyed: a new one cannot be forgotten
    from slmap.sources import cache

    if not arguments.pop("use_cache"):
        with cache.bypassed():
            return _read_and_build(arguments)
    try:
        parts = {"arguments": arguments, "implicit": _implicit_inputs()}
    except Exception:  # e.g. a bad SLMAP_DATA_DIR: the build says what is wrong
        return _read_and_build(arguments)
    about = (
        f"model of province {province}: boundaries {boundaries or 'found by slmap'}, register "
        f"{register or 'the sample'}, layout {layout or 'of the boundaries'}"
    )
    return cache.cached(
        "models", parts, lambda: _read_and_build(arguments), model_parts, model_from_parts, about
    )


def _implicit_inputs() -> dict[str, object]:
    """Files a call may read without naming them: pinned boundaries, the sample registers."""
    pinned = {key: find_pinned(key) for key in ("communes", "districts")}
    return {"pinned": pinned, "sample": [sample_register_path(d) for d in SAMPLE_DATES]}


def _read_and_build(a: dict) -> CoverageModel:
    """:func:`load_coverage` without the cache; ``a`` holds its arguments."""
    communes_set, outlines = locate_boundaries(
        a["boundaries"],
        layer=a["layer"],
        code_field=a["code_field"],
        name_field=a["name_field"],
        district_field=a["district_field"],
        province=a["province"],
        approximate=a["approximate"],
        layout=a["layout"],
    )
    as_of, sample = a["as_of"], a["register"] is None
    if sample:
        register_path = sample_register_path(parse_date(as_of)) if as_of else sample_register_path()
    else:
        register_path = Path(a["register"])
    table = read_village_table(
        register_path, encoding=a["encoding"], sheet=a["sheet"], kind=a["uncovered_list"]
    )
    stats = read_statistics(a["statistics"]) if a["statistics"] is not None else None
    date_given = None if sample or not as_of else parse_date(as_of)
    if as_of and not sample and date_given is None:
        raise InputError(f"--as-of {as_of!r}: expected a date such as 2022-12-31 or 31/12/2022")
    return build_model(
        communes_set,
        table,
        outlines=outlines,
        statistics=stats,
        keep_going=a["keep_going"],
        sample=sample,
        province=a["province"],
        data_date=date_given,
        layout=a["layout"],
        input_layout=a["input_layout"],
        verbose=a["verbose"],
    )


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
    layout: str | None = None,
    input_layout: str | None = None,
    verbose: bool = False,
) -> CoverageModel:
    """Build a :class:`CoverageModel` from sources already read.

    ``layout`` is the layout of the outputs (default: the boundaries'); inputs
    in an older layout are converted forward, never backward.
    ``input_layout`` forces the layout the inputs are keyed to. ``data_date``
    is shown on maps and in exports (default: the register's ``as_of``, else
    today).
    """
    problems: list[Problem] = list(communes_set.problems) + list(table.problems)
    communes, found, boundary_problems = _joined_boundaries(
        communes_set, province, input_layout, verbose
    )
    boundary_errors = [p for p in boundary_problems if p.severity == "error"]
    boundary_errors += [p for p in communes_set.problems if p.severity == "error"]
    if boundary_errors and not keep_going:
        raise ValidationError(
            f"{communes_set.source}: {len(boundary_errors)} problem(s) in the boundaries",
            boundary_errors,
        )
    problems += boundary_problems
    target = layouts.layout_id(layout) if layout else found.layout
    if layouts.is_older(target, found.layout):
        raise InputError(
            f"{communes_set.source}: the boundaries are in the {found.layout} layout; cannot "
            f"draw them in the older {target} layout (conversion only runs forward in time); "
            f"give boundaries in the {target} layout with --boundaries"
        )
    # With --keep-going: features without a code, and the second feature of a
    # commune, are left out (each is named by an error above).
    communes = communes[communes["commune_code"].notna()]
    communes = communes[~communes["commune_code"].duplicated(keep="first")]
    communes, coverage_problems = clean_commune_coverage(communes, communes_set.source)
    problems += coverage_problems
    problems = _known_repairs(problems, communes_set.pinned)
    communes, conv_problems = communes_forward(
        communes, found.layout, target, province, communes_set.source
    )
    problems += conv_problems
    scope = register_scope(table, province)
    problems += scope.problems
    typed, all_row, register_layout = _resolved_register(
        scope.table, communes, target, scope.province, input_layout, verbose
    )
    loaded, rejects = raise_or_split(
        typed, all_row, scope.table.frame, keep_going=keep_going, what=table.source
    )
    problems += [p for p in all_row if p.severity == "warning"]
    if keep_going:
        problems += [p for p in all_row if p.severity == "error"]
    villages, place_problems = place_villages(loaded, communes, table.source, table.headers)
    problems += place_problems
    villages = levels.attach_districts(
        villages, communes, register_layout, target, province, scope.province
    )
    commune_stats = summarise(villages, "commune_code", pd.Index(communes["commune_code"]))
    if statistics is not None:
        commune_stats, stat_problems = apply_statistics(
            commune_stats, statistics, communes, target, province
        )
        problems += stat_problems
    communes = levels.with_metrics(communes.set_index("commune_code", drop=False), commune_stats)
    districts = levels.district_layer(villages, communes, outlines, target, province)
    province_gdf = levels.province_layer(villages, communes, outlines, province)
    as_of = _as_of(table)
    provenance = Provenance(
        boundaries=communes_set.source,
        register=table.source,
        layout=target,
        sample=sample,
        approximate=bool(communes.get("approximate", pd.Series(False)).any()),
        province_codes=tuple(str(province).split(",")),
        statistics=statistics.source if statistics is not None else None,
        as_of=as_of,
        input_layouts={"boundaries": found.layout, "register": register_layout},
        layout_reasons={"boundaries": found.reason},
    )
    if register_layout_reason := getattr(typed, "attrs", {}).get("layout_reason"):
        provenance.layout_reasons["register"] = register_layout_reason
    if data_date or as_of:
        provenance.data_date = data_date or as_of
    return CoverageModel(
        communes=communes,
        villages=villages,
        districts=districts,
        province=province_gdf,
        provenance=provenance,
        problems=problems,
        rejects=rejects,
        read_count=len(scope.table.frame),
    )


#: Repairs slmap makes to the pinned upstream files every time; known, said once
#: when the file enters the cache, then only with --all-warnings.
KNOWN_PINNED_REPAIRS = frozenset({"repaired_geometry", "coverage_cleaned"})


def _joined_boundaries(communes_set, province, input_layout, verbose):
    communes, problems = check_boundaries(communes_set.communes, communes_set.source)
    communes, join_problems, found = join_communes_to_registry(
        communes.reset_index(drop=True),
        communes_set.source,
        communes_set.schema,
        province,
        input_layout=input_layout,
        verbose=verbose,
        reported={p.feature for p in communes_set.problems + problems if p.severity == "error"},
    )
    return communes, found, problems + join_problems


def _known_repairs(problems: list[Problem], pinned: bool) -> list[Problem]:
    """Repairs of a pinned file become notes (shown with --all-warnings only)."""
    if not pinned:
        return problems
    return [replace(p, severity="note") if p.kind in KNOWN_PINNED_REPAIRS else p for p in problems]


def _resolved_register(table, communes, target, province, input_layout, verbose):
    """Check the register, find each village's commune and move it to ``target``."""
    typed, row_problems = check_register(table.frame, table.headers, table.source)
    if "fibre" not in typed:  # a published list of uncovered villages says nothing of fibre
        typed["fibre"] = pd.array([pd.NA] * len(typed), dtype="boolean")
    typed, ref_problems, found = resolve_village_communes(
        typed,
        table.headers,
        table.source,
        province=province,
        input_layout=input_layout,
        verbose=verbose,
        prefer=target,
    )
    register_layout = found.layout if found is not None else target
    if layouts.is_older(target, register_layout):
        raise InputError(
            f"{table.source}: the register is keyed to the {register_layout} layout, newer than "
            f"the layout of the outputs ({target}); conversion only runs forward in time: "
            f"use --layout {register_layout} (or newer) with boundaries of that layout"
        )
    typed, move_problems = villages_forward(
        typed, register_layout, target, communes, province, table.source
    )
    unknown = typed["commune_code"].notna() & ~typed["commune_code"].isin(
        set(communes["commune_code"])
    )
    missing_problems = [
        Problem(
            table.source,
            f"commune {typed['commune_code'].iloc[i]} (layout {target}) is not among the "
            f"{len(communes)} communes of the boundaries loaded",
            row=int(typed["row"].iloc[i]),
            column=table.headers.get("commune_code", table.headers.get("commune_name")),
            kind="commune_not_loaded",
        )
        for i in np.flatnonzero(unknown.to_numpy())
    ]
    if found is not None:
        typed.attrs["layout_reason"] = found.reason
    return typed, row_problems + ref_problems + move_problems + missing_problems, register_layout


def _as_of(table: TableRead) -> str | None:
    """The register's date: its ``as_of`` column (one value for the whole file)."""
    column = next((c for c in table.frame.columns if fold_header(c) in AS_OF_HEADERS), None)
    if column is None:
        return None
    values = {str(v).strip() for v in table.frame[column] if str(v).strip()}
    dates = {parse_date(v) for v in values}
    if len(dates) != 1 or None in dates:
        raise InputError(
            f"{table.source}: column {column!r} holds {', '.join(sorted(values)[:3])}; expected "
            "one date (YYYY-MM-DD or DD/MM/YYYY) for the whole register"
        )
    return dates.pop()
