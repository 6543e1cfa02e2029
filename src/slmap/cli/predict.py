"""``slmap predict``: predicted coverage of each village from radio sites.

Thin layers over :mod:`slmap.radio.predict` and :mod:`slmap.radio.plan`; reads go
through :mod:`slmap.sources.sites` and :mod:`slmap.sources.dem`, writes are atomic
(the per-village table through :mod:`slmap.cli.tables`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import pandas as pd

from slmap.base.errors import InputError
from slmap.cli._common import (
    MODEL_OPTION_NAMES,
    load_from_options,
    model_options,
)
from slmap.cli._outputs import command_outputs
from slmap.cli.group import cli
from slmap.cli.tables import table_format, write_table
from slmap.radio.itm import CLIMATES, ItmSettings

__all__ = [
    "SYNTHETIC_NOTE",
    "check_model",
    "check_raster",
    "coverage_model_option",
    "coverage_outputs",
    "itm_options",
    "itm_settings",
    "load_sites",
    "predict_command",
    "read_terrain",
    "summary_format_option",
]

SYNTHETIC_NOTE = "synthetic sites (invented, sample data)"


def load_sites(path: Path, keep_going: bool):
    """Read a site list, printing its warnings and rejects on stderr."""
    from slmap.sources.sites import read_sites

    table = read_sites(path, keep_going=keep_going)
    for problem in table.problems:
        prefix = "rejected" if problem.severity == "error" else "warning"
        click.echo(f"{prefix}: {problem}", err=True)
    if len(table.rejects):
        click.echo(
            f"rejected {len(table.rejects)} site row(s) of {path}; {len(table.sites)} site(s) used",
            err=True,
        )
    if table.synthetic:
        click.echo(f"note: {path} holds {SYNTHETIC_NOTE}", err=True)
    return table


def read_terrain(
    dem: Path | tuple[Path, ...] | None,
    model: str,
    frames: list[gpd.GeoDataFrame],
    margin_deg: float,
):
    """Read the DEM windows covering ``frames`` (plus a margin); refuse los/itm without one."""
    from slmap.sources.dem import read_dem

    if model == "distance":
        return None
    if not dem:
        raise InputError(
            f"--model {model} needs terrain: give a DEM GeoTIFF with --dem FILE "
            "(`slmap fetch-dem` downloads the open Copernicus GLO-30 tiles), "
            "or use --model distance"
        )
    bounds = pd.DataFrame([f.to_crs(4326).total_bounds for f in frames if len(f)])
    box = (
        bounds[0].min() - margin_deg,
        bounds[1].min() - margin_deg,
        bounds[2].max() + margin_deg,
        bounds[3].max() + margin_deg,
    )
    return read_dem(dem, box)


def coverage_model_option(func):
    """The options choosing the coverage model and its inputs (--sites, --model, --dem ...)."""
    func = click.option(
        "--max-range-km",
        type=click.FloatRange(min=0.1, max=200),
        default=35.0,
        show_default=True,
        help="Longest path the los and itm models consider.",
    )(func)
    func = click.option(
        "--radius-km",
        type=click.FloatRange(min=0.01, max=200),
        default=5.0,
        show_default=True,
        help="Coverage radius of the distance model (ITU/UNICEF Giga: 5 km).",
    )(func)
    func = click.option(
        "--dem",
        multiple=True,
        type=click.Path(path_type=Path),
        help="DEM of ground heights: a GeoTIFF, a .vrt or a folder of tiles; repeat for "
        "several tiles (any CRS each; tiles in another CRS are reprojected). Required by "
        "--model los and itm; `slmap fetch-dem` downloads Copernicus GLO-30 tiles.",
    )(func)
    func = click.option(
        "--model",
        "coverage_model",
        type=click.Choice(["distance", "los", "itm"]),
        default="distance",
        show_default=True,
        help="distance: within --radius-km of a 3G/4G/5G site (a site without technology "
        "counts as 4G). los: line of sight over --dem from the antenna (ground + height_m) "
        "to a receiver at 1.5 m, Earth curvature with k = 4/3, within --max-range-km. "
        "itm: Longley-Rice path loss over the --dem profile (itmlogic): covered when "
        "EIRP - path loss - 3 dB body loss >= the threshold (see --threshold-dbm); "
        "best site = highest margin.",
    )(func)
    func = click.option(
        "--sites",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Radio sites: CSV, Excel, GeoJSON or GPKG with site_id, lon, lat, height_m "
        "(optional operator, technology, frequency_mhz, eirp_dbm, azimuth_deg, beamwidth_deg).",
    )(func)
    return func


def check_model(name: str, dem: tuple[Path, ...] | None) -> None:
    """Refuse a model that cannot run, before any data is loaded."""
    if name in ("los", "itm") and not dem:
        read_terrain(None, name, [], 0.0)


def itm_options(func):
    """The ``itm`` model's link-budget options (shared by predict and plan)."""
    func = click.option(
        "--climate",
        type=click.Choice(list(CLIMATES)),
        default="continental-subtropical",
        show_default=True,
        help="ITM radio climate (inland monsoon highlands: continental subtropical); "
        "sets the surface refractivity (320 N-units for it). Ground: average "
        "(permittivity 15, conductivity 0.005 S/m), vertical polarisation, "
        "median loss (reliability and confidence 50 %).",
    )(func)
    func = click.option(
        "--eirp-dbm",
        type=click.FloatRange(min=-50, max=120),
        default=None,
        help="EIRP of sites without eirp_dbm (default 60 dBm: 46 dBm transmitter, "
        "17 dBi sector antenna, 3 dB feeder loss).",
    )(func)
    func = click.option(
        "--threshold-dbm",
        type=click.FloatRange(min=-160, max=0),
        default=None,
        help="Total received power needed for coverage, every site (defaults by technology: "
        "3G -95 ~ CPICH RSCP -105 dBm; 4G -82 ~ RSRP -110 dBm over 10 MHz; 5G -75 ~ "
        "SS-RSRP -110 dBm over 100 MHz).",
    )(func)
    func = click.option(
        "--frequency-mhz",
        type=click.FloatRange(min=20, max=20_000),
        default=None,
        help="Frequency of sites without frequency_mhz (defaults by technology, the bands "
        "Vietnamese operators use: 3G 2100, 4G 1800, 5G 3700 MHz).",
    )(func)
    return func


#: --format of the summary printed by predict and plan.
summary_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Format of the summary printed on stdout.",
)


@cli.command("predict")
@coverage_model_option
@itm_options
@model_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Per-village prediction: .csv, .xlsx, .geojson or .gpkg.",
)
@click.option(
    "--raster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the coverage raster, a GeoTIFF (uint8: number of broadband sites "
    "covering each pixel, 0 none, 255 unknown: no DEM data). los: a viewshed per site over "
    "--dem at the DEM's pixel size, same rule as per village; distance: the --radius-km buffers "
    "at 30 m. With a .gpkg --out, the covered area also goes to its 'coverage' layer.",
)
@summary_format_option
@click.option("--overwrite", is_flag=True, help="Replace existing --out and --raster files.")
def predict_command(**kwargs: Any) -> None:
    """Predict each village's mobile broadband from radio sites (and terrain).

    Writes, per village, predicted_mbb (empty: unknown), best_site_id,
    distance_km, los (los model), path_loss_db, margin_db and itm_warning
    (itm model: doubtful or out of range) and agreement with the register
    (agree, reported_none_predicted_covered: check on site, the register may
    be out of date; reported_covered_predicted_none: check the register or the
    site list; no_terrain: no DEM data under the village or on its paths, no
    answer), and prints a summary.
    """
    from slmap.radio.predict import predict_coverage, summarize

    check_model(kwargs["coverage_model"], kwargs["dem"])
    check_raster(kwargs["raster"], kwargs["overwrite"])
    table_format(kwargs["out"])
    command_outputs().add(kwargs["out"])
    model = load_from_options(**{k: kwargs[k] for k in MODEL_OPTION_NAMES})
    table = load_sites(kwargs["sites"], bool(kwargs["keep_going"]))
    villages = model.villages
    dem = read_terrain(
        kwargs["dem"],
        kwargs["coverage_model"],
        [villages, table.sites],
        kwargs["max_range_km"] / 100.0,
    )
    layers = coverage_outputs(kwargs, table, dem)
    result = predict_coverage(
        villages,
        table.sites,
        kwargs["coverage_model"],
        dem=dem,
        radius_km=kwargs["radius_km"],
        max_range_km=kwargs["max_range_km"],
        itm=itm_settings(kwargs),
    )
    keep = [
        c
        for c in (
            "village_id",
            "village_name",
            "commune_code",
            "commune_name",
            "households",
            "population",
            "mobile_broadband",
            "location_estimated",
        )
        if c in villages
    ]
    frame = gpd.GeoDataFrame(
        pd.concat([villages[keep], result], axis=1), geometry=villages.geometry, crs=villages.crs
    )
    frame["model"] = kwargs["coverage_model"]
    frame["sites_file"] = str(kwargs["sites"])
    frame["note"] = _note(table.synthetic, model.provenance.sample)
    write_table(frame, command_outputs().stage(kwargs["out"]), True, layers)
    summary = summarize(result, model=kwargs["coverage_model"], synthetic_sites=table.synthetic)
    summary["sample_register"] = bool(model.provenance.sample)
    summary["out"] = str(kwargs["out"])
    _echo_summary(summary, kwargs["fmt"])


def itm_settings(kwargs: dict) -> ItmSettings:
    """The link budget the :func:`itm_options` give."""
    return ItmSettings(
        climate=kwargs["climate"],
        frequency_mhz=kwargs["frequency_mhz"],
        threshold_dbm=kwargs["threshold_dbm"],
        eirp_dbm=kwargs["eirp_dbm"],
    )


def check_raster(path: Path | None, overwrite: bool) -> None:
    """Refuse a --raster name that is not .tif; declare it with the command's outputs.

    The output set refuses it, before work, when it is an input or exists
    without ``overwrite``.
    """
    if path is None:
        return
    if path.suffix.lower() not in (".tif", ".tiff"):
        raise InputError(f"--raster {path}: expected a GeoTIFF name ending in .tif or .tiff")
    outs = command_outputs()
    if outs is not None:
        outs.add(path, overwrite=overwrite or None)


def coverage_outputs(kwargs: dict, table, dem) -> dict[str, gpd.GeoDataFrame]:
    """Write --raster when asked; return the ``coverage`` layer when --out is a GPKG.

    Without --raster, the los polygons come from a raster at three times the
    DEM's pixel size (at least 90 m), which is enough for the map and faster.
    """
    from slmap.base.progress import progress_steps
    from slmap.radio import area
    from slmap.radio import raster as cr

    path, layer = kwargs["raster"], kwargs["out"].suffix.lower() == ".gpkg"
    if path is None and not layer:
        return {}
    model, sites = kwargs["coverage_model"], table.sites
    raster = None
    if model == "distance":
        polygons = area.distance_polygons(sites, kwargs["radius_km"])
        if path is not None:
            raster = cr.distance_raster(sites, radius_km=kwargs["radius_km"])
        detail = f"within {kwargs['radius_km']:g} km of a broadband site"
    else:
        from slmap.sources.dem import pixel_size_m

        step = None if path is not None else max(3 * pixel_size_m(dem), 90.0)
        with progress_steps(len(cr.broadband_sites(sites)), "viewsheds") as advance:
            raster = cr.los_raster(
                dem, sites, max_range_km=kwargs["max_range_km"], step_m=step, advance=advance
            )
        polygons = area.raster_polygons(raster)
        detail = f"line of sight over the DEM, {raster.pixel_m:.0f} m pixels"
    if path is not None:
        cr.write_raster(raster, command_outputs().stage(path), True)
    if not layer:
        return {}
    count = len(cr.broadband_sites(sites))
    return {
        "coverage": area.coverage_layer(
            polygons, model=model, sites=count, synthetic=table.synthetic, detail=detail
        )
    }


def _note(synthetic: bool, sample: bool) -> str:
    parts = [SYNTHETIC_NOTE] if synthetic else []
    if sample:
        parts.append("sample data register")
    parts.append("predicted, not reported")
    return "; ".join(parts)


def _echo_summary(summary: dict, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    lines = [
        f"model: {summary['model']}"
        + (f" — {SYNTHETIC_NOTE}" if summary["synthetic_sites"] else ""),
        f"villages predicted covered: {summary['predicted_covered']} of {summary['villages']}",
        f"agree with the register: {summary['agree']}",
        "reported without mobile broadband, predicted covered (check on site: the register "
        f"may be out of date): {summary['reported_none_predicted_covered']}",
        "reported covered, predicted not (check the register or the site list): "
        f"{summary['reported_covered_predicted_none']}",
        f"no terrain under the village or its paths (prediction unknown): {summary['no_terrain']}",
    ]
    if summary["model"] == "itm":
        lines.append(
            f"ITM warnings on the best site's path: doubtful {summary['itm_doubtful']}, "
            f"out of range {summary['itm_out_of_range']}"
        )
    lines.append(f"written: {summary['out']}")
    click.echo("\n".join(lines))
