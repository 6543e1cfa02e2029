"""Where commune boundaries come from: a file, the pinned files, or approximate ones.

The order of DESIGN §3.2 — the file named, else the pinned files in
``SLMAP_DATA_DIR`` or the cache, else communes approximated offline from the
registry (and an older layout split from them) — put together from
:mod:`slmap.sources` (the reads) and this package (the approximations).
"""

from __future__ import annotations

from pathlib import Path

from slmap.admin.layouts import is_older, layout_id
from slmap.base.errors import BoundariesNotFoundError, InputError, Problem
from slmap.sources.boundaries import BoundarySet, read_boundaries
from slmap.sources.upstream import PINNED, find_pinned, search_folders

__all__ = ["PINNED_PROVINCE", "locate_boundaries", "nothing_found_message"]


def nothing_found_message(province: str) -> str:
    """The message listing the three ways to provide boundaries."""
    folders = " or ".join(str(f) for f in search_folders())
    files = ", ".join(p.filename for p in PINNED.values())
    return (
        f"no commune boundaries found for province {province}. Provide them in one of three "
        f"ways: (1) name a file with --boundaries PATH (GeoJSON, GeoPackage, Shapefile, zipped "
        f"Shapefile, KML/KMZ); (2) put the pinned files ({files}) "
        f"in SLMAP_DATA_DIR or the cache ({folders}); (3) run `slmap fetch` once with a network "
        f"connection to download them into the cache"
    )


def locate_boundaries(
    boundaries: str | Path | None = None,
    *,
    layer: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    district_field: str | None = None,
    province: str = "14",
    approximate: bool = True,
    layout: str | None = None,
) -> tuple[BoundarySet, BoundarySet | None]:
    """Find and read commune boundaries, plus district/province outlines.

    Order (DESIGN §3.2): the file named, else the pinned files in
    ``SLMAP_DATA_DIR`` or the cache, else (``approximate=True``) approximate
    communes built offline from the registry's official centres, flagged
    ``approximate`` and reported with a warning that says how to get real
    ones. Outlines come from the pinned dvhcvn file when present (Sơn La).

    When no file is named and ``layout`` is older than the 2025 layout of the
    pinned (or registry) communes, and ``approximate`` is True, the older
    layout is drawn approximately: each 2025 commune is split among its
    former units (:func:`slmap.admin.approx_2023.older_layout_communes`), flagged
    ``approximate`` with a warning that says how and how to get real ones.

    Parameters
    ----------
    province : str
        GSO province code, a comma-separated list, or ``"all"``.
    layout : str, optional
        Layout the communes will be drawn in (``--layout``); None: as found.

    Returns
    -------
    communes, outlines : BoundarySet, BoundarySet or None

    Raises
    ------
    BoundariesNotFoundError
        Nothing found and ``approximate`` is False; the message lists the
        three ways to provide boundaries.
    """
    wanted = _province_list(province)
    outlines = None
    districts_file = find_pinned("districts") if wanted == [PINNED_PROVINCE] else None
    if districts_file is not None:
        outlines = read_boundaries(districts_file)
    if boundaries is not None:
        communes = read_boundaries(
            boundaries,
            layer=layer,
            code_field=code_field,
            name_field=name_field,
            district_field=district_field,
        )
        if communes.communes is None:
            raise InputError(
                f"{boundaries}: holds the province and district outlines, not communes; "
                "expected commune boundaries (e.g. the wards file)"
            )
        return communes, outlines
    real = wanted is not None and PINNED_PROVINCE in wanted
    communes_file = find_pinned("communes") if real else None
    older = approximate and layout is not None and is_older(layout, "2025")
    if communes_file is not None:
        pinned = read_boundaries(communes_file)
        pinned.pinned = True
        if wanted != [PINNED_PROVINCE]:
            if not approximate:
                others = ", ".join(c for c in wanted if c != PINNED_PROVINCE)
                raise BoundariesNotFoundError(nothing_found_message(others))
            pinned = _with_approximate_others(pinned, province)
        return (_split_older(pinned, layout, province) if older else pinned), outlines
    if not approximate:
        raise BoundariesNotFoundError(nothing_found_message(province))
    found = _approximate(province)
    return (_split_older(found, layout, province) if older else found), outlines


#: The province whose boundary files are pinned (:data:`PINNED`): Sơn La.
PINNED_PROVINCE = "14"


def _province_list(province: str) -> list[str] | None:
    """The province codes of ``"14"``, ``"14,11"`` (``None`` for ``"all"``)."""
    codes = [c.strip().zfill(2) for c in str(province).split(",") if c.strip()]
    return None if "all" in codes else codes


def _with_approximate_others(real: BoundarySet, province: str) -> BoundarySet:
    """Real communes of the pinned province, approximate ones for every other province.

    The approximate cells are built for every province asked (so neighbours
    share edges), those of the pinned province are replaced by the real
    ones, and the others are cut where they overlap the real ones. Each
    commune keeps its ``approximate`` flag; the warning names the provinces
    drawn approximately.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    approx = _approximate(province)
    others = approx.communes
    pinned_codes = set(real.communes["commune_code"].dropna())
    others = others[~others["commune_code"].isin(pinned_codes)]
    covered = shapely.union_all(shapely.make_valid(real.communes.geometry.to_numpy()))
    others = others.set_geometry(
        gpd.GeoSeries(
            shapely.difference(others.geometry.to_numpy(), covered),
            index=others.index,
            crs=others.crs,
        )
    )
    others = others[~others.geometry.is_empty]
    mine = real.communes.copy()
    mine["approximate"] = False
    others = others.assign(feature=range(len(mine) + 1, len(mine) + len(others) + 1))
    merged = gpd.GeoDataFrame(pd.concat([mine, others], ignore_index=True), crs=mine.crs)
    notes = [p for p in approx.problems if p.kind != "approximate_boundaries"]
    rest = sorted(set(others["province_code"])) if "province_code" in others else []
    first = Problem(
        approx.source,
        f"real commune boundaries for province {PINNED_PROVINCE} ({real.source}); APPROXIMATE "
        "ones (Voronoi cells of official centres), for orientation only, for the other "
        f"provinces ({', '.join(rest)}); each commune's `approximate` column says which",
        severity="warning",
        kind="approximate_boundaries",
    )
    return BoundarySet(
        merged,
        source=f"{real.source} + {approx.source}",
        schema=real.schema,
        problems=[*real.problems, first, *notes],
        pinned=True,
    )


def _split_older(found: BoundarySet, layout: str, province: str) -> BoundarySet:
    """The older ``layout`` drawn by splitting the 2025 communes ``found``."""
    from slmap.admin.approx_2023 import older_layout_communes

    lid = layout_id(layout)
    communes, problems = older_layout_communes(found.communes, lid, province)
    how = (
        f"APPROXIMATE communes of the {lid} layout: each 2025 commune of {found.source} is "
        f"split among the {lid} units that went into it (Voronoi cells of their official "
        "centres, clipped to the 2025 commune; units without a centre of their own share a "
        "cell in equal-area strips); for orientation only. For real ones give a file of the "
        f"{len(communes)} communes of the {lid} layout with --boundaries PATH"
    )
    notes = [p for p in found.problems if p.kind != "approximate_boundaries"]
    first = Problem(found.source, how, severity="warning", kind="approximate_boundaries")
    return BoundarySet(
        communes,
        source=f"{found.source} (split into the {lid} layout)",
        schema="approx",
        problems=[first, *notes, *problems],
        pinned=found.pinned,
    )


def _approximate(province: str) -> BoundarySet:
    from slmap.admin.approx import approximate_communes
    from slmap.base.errors import Problem

    codes = "all" if province == "all" else province.split(",")
    gdf = approximate_communes(codes)
    gdf.insert(0, "feature", range(1, len(gdf) + 1))
    source = "approximate boundaries from official commune centres (vietnamadminunits)"
    problems = list(gdf.attrs.get("problems", []))
    problems.insert(
        0,
        Problem(
            source,
            "APPROXIMATE commune boundaries (Voronoi cells of official centres), for orientation "
            "only; for real ones: " + nothing_found_message(province).split("Provide them in ")[1],
            severity="warning",
            kind="approximate_boundaries",
        ),
    )
    gdf.attrs = {}
    return BoundarySet(gdf, source=source, schema="approx", problems=problems)
