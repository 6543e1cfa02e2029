"""``slmap plan``: new sites for the villages still without mobile broadband.

A thin layer over :mod:`slmap.radio.plan`; the sites, terrain and model options
are those of ``slmap predict``; writes are atomic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from slmap.base.errors import InputError
from slmap.cli._common import (
    MODEL_OPTION_NAMES,
    load_from_options,
    model_options,
)
from slmap.cli._outputs import command_outputs
from slmap.cli.group import cli
from slmap.cli.predict import (
    SYNTHETIC_NOTE,
    check_model,
    coverage_model_option,
    itm_options,
    itm_settings,
    load_sites,
    read_terrain,
    summary_format_option,
)
from slmap.cli.tables import table_format, write_table

__all__ = ["plan_command"]


@cli.command("plan")
@coverage_model_option
@itm_options
@model_options
@click.option(
    "--candidates",
    required=True,
    help="Candidate sites (a site file), or 'auto': a 2 km grid near the villages to "
    "serve (highest DEM cell of each grid block with --dem).",
)
@click.option(
    "--new-sites",
    type=click.IntRange(min=1),
    default=None,
    help="Choose up to N new sites maximising households covered (default 5).",
)
@click.option(
    "--cover-all",
    is_flag=True,
    help="Choose the fewest sites covering every coverable village instead.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Chosen sites (.csv, .geojson, .gpkg); the villages to serve go beside it "
    "as NAME.villages.csv.",
)
@summary_format_option
@click.option("--overwrite", is_flag=True, help="Replace existing output files.")
def plan_command(**kwargs: Any) -> None:
    """Choose new sites for villages reported without mobile broadband.

    The villages to serve are reported without mobile broadband and not
    predicted covered by --sites. Maximal covering (--new-sites N) or set
    covering (--cover-all), solved exactly with PuLP/CBC.
    """
    from slmap.radio.plan import auto_candidates, choose_sites, villages_to_serve
    from slmap.radio.predict import predict_coverage

    if kwargs["cover_all"] and kwargs["new_sites"] is not None:
        raise InputError("give either --new-sites N or --cover-all, not both")
    new_sites = None if kwargs["cover_all"] else (kwargs["new_sites"] or 5)
    check_model(kwargs["coverage_model"], kwargs["dem"])
    out = kwargs["out"]
    side = out.with_name(out.stem + ".villages.csv")
    table_format(out)
    command_outputs().add(out, side)  # both refused at once if an input or existing
    model = load_from_options(**{k: kwargs[k] for k in MODEL_OPTION_NAMES})
    table = load_sites(kwargs["sites"], bool(kwargs["keep_going"]))
    villages = model.villages
    name, reach = kwargs["coverage_model"], kwargs["radius_km"]
    dem = read_terrain(kwargs["dem"], name, [villages, table.sites], kwargs["max_range_km"] / 100)
    opts = {"dem": dem, "radius_km": reach, "max_range_km": kwargs["max_range_km"]}
    opts["itm"] = itm_settings(kwargs)  # the same link budget for existing and new sites
    predicted = predict_coverage(villages, table.sites, name, **opts)["predicted_mbb"]
    if kwargs["candidates"] == "auto":
        serve = villages[villages_to_serve(villages, predicted)]
        candidates = auto_candidates(serve, dem=dem, reach_km=reach if name == "distance" else 10)
    else:
        candidates = load_sites(Path(kwargs["candidates"]), bool(kwargs["keep_going"])).sites
    result = choose_sites(villages, predicted, candidates, model=name, new_sites=new_sites, **opts)
    from slmap.base.atomic import atomic_write_bytes, csv_bytes

    outs = command_outputs()
    write_table(result.chosen, outs.stage(out), True)
    atomic_write_bytes(outs.stage(side), csv_bytes(result.villages), True)
    totals = result.totals | {
        "model": name,
        "candidates": len(candidates),
        "out": str(out),
        "villages_out": str(side),
        "synthetic_sites": table.synthetic,
    }
    if kwargs["fmt"] == "json":
        click.echo(json.dumps(totals, ensure_ascii=False))
        return
    note = f" — existing sites: {SYNTHETIC_NOTE}" if table.synthetic else ""
    click.echo(f"plan ({name}, {len(candidates)} candidates){note}")
    for row in result.chosen.itertuples():
        click.echo(
            f"  {row.site_id} ({row.geometry.x:.5f}, {row.geometry.y:.5f}): "
            f"{row.villages_newly_covered} villages, {row.households_newly_covered} "
            f"households, {row.people_newly_covered} people newly covered"
        )
    click.echo(
        f"households newly covered: {totals['households_newly_covered']} of "
        f"{totals['households_to_serve_before']} to serve; villages no candidate reaches: "
        f"{totals['villages_unreachable']}; written: {out}, {side}"
    )
