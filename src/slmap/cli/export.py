"""``slmap export``: GIS files for partners (Shapefile, GeoPackage, GeoJSON, CSV, Excel, KML).

A thin layer over :func:`slmap.export.export_model`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from slmap.cli._common import (
    MODEL_OPTION_NAMES,
    classification_options,
    load_from_options,
    model_options,
)
from slmap.cli._outputs import command_outputs
from slmap.cli.group import cli
from slmap.export import FORMATS, LAYERS
from slmap.model.classify import parse_breaks

__all__ = ["export_command"]


@cli.command("export")
@model_options
@classification_options
@click.option(
    "--layer",
    "export_layer",
    type=click.Choice([*LAYERS, "all"]),
    default="all",
    show_default=True,
    help="What to export: communes, villages, uncovered (villages without mobile "
    "broadband), districts (former), or all of them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="gpkg",
    show_default=True,
    help="shp: one Shapefile per layer (UTF-8 .cpg, 10-byte field names, <name>.shp.fields.csv "
    "dictionary, <name>.qml/.sld styles, <name>.shp.metadata.txt); gpkg: every layer in one file "
    "with QGIS default styles and metadata; geojson: RFC 7946; csv: UTF-8 with BOM, points as "
    "lon/lat, polygon shapes omitted; xlsx: one sheet per layer; kml/kmz: Google Earth, one "
    "folder per layer.",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of style legends and KML balloons.",
)
@click.option(
    "--boundaries-licence",
    help="Licence of the --boundaries file, written into the export's metadata (default: "
    '"unknown"; the pinned boundary files carry their own).',
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output file, or folder for several layers in shp/geojson/csv. "
    "Default: maps/slmap_<layer>.<ext>.",
)
@click.option("--zip", "zip_", is_flag=True, help="Shapefile: pack every file into one .zip.")
@click.option("--overwrite", is_flag=True, help="Replace existing output.")
def export_command(
    export_layer: str,
    fmt: str,
    out: Path | None,
    zip_: bool,
    overwrite: bool,
    metric: str,
    scheme: str | None,
    k: int,
    breaks: str | None,
    lang: str,
    boundaries_licence: str | None,
    **kwargs: Any,
) -> None:
    """Export layers to Shapefile, GeoPackage, GeoJSON, CSV or Excel, Vietnamese text intact.

    Every file (sidecars included) is checked before work starts: an input
    is never replaced, an existing output is refused (exit 1, untouched)
    unless --overwrite, and all files are written together or none. Every
    export carries its metadata (sources, dates, layout, licences; "SAMPLE
    DATA" for the embedded sample) and opens styled as the map
    (--metric/--scheme/--k/--breaks/--lang).
    """
    from slmap import export

    style = export.StyleOptions(metric, scheme, k, parse_breaks(breaks), lang)
    target = out or export.default_output(export_layer, fmt, zip_)
    names = list(export.LAYERS) if export_layer == "all" else [export_layer]
    planned = export.export_paths(names, target, fmt, zip_)  # every file, at once
    outs = command_outputs()
    outs.add(*planned.files)
    outs.add(planned.target, folder=planned.folder)
    model = load_from_options(**{k: kwargs.get(k) for k in MODEL_OPTION_NAMES})
    result = export.export_model(
        model, export_layer, fmt, target, overwrite=overwrite, zip=zip_, style=style,
        boundaries_licence=boundaries_licence, outputs=outs,
    )  # fmt: skip
    for problem in result.warnings:
        click.echo(f"warning: {problem}", err=True)
    counts = ", ".join(f"{name} {n}" for name, n in result.counts.items())
    click.echo(f"wrote {result.paths[0]} ({counts} features)")
    if getattr(model.provenance, "sample", False):
        click.echo("note: built from the synthetic SAMPLE register (not real data)", err=True)
