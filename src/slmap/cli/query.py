"""``slmap query``: planner questions as a table, CSV, Excel or GeoJSON.

A thin layer over :mod:`slmap.model.query`; writes go through :mod:`slmap.export`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from slmap.base.values import is_missing
from slmap.cli._common import (
    MODEL_OPTION_NAMES,
    load_from_options,
    model_options,
)
from slmap.cli._outputs import command_outputs
from slmap.cli.group import cli
from slmap.model import query as q
from slmap.model import ranking

__all__ = ["FINITE", "FiniteFloat", "column_formatter", "emit", "output_format", "query_group"]

QUERY_FORMATS = ("table", "csv", "xlsx", "geojson", "gpkg", "shp", "kml", "kmz")
_BY_SUFFIX = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".kml": "kml",
    ".kmz": "kmz",
}
#: Formats written only to a file (``--out``).
_FILE_ONLY = ("xlsx", "gpkg", "shp", "kml", "kmz")


class FiniteFloat(click.ParamType):
    """A float option that refuses inf and nan (click's FLOAT accepts them).

    ``above`` (exclusive) and ``at_most`` (inclusive) bound the value when given.
    """

    name = "number"

    def __init__(self, above: float | None = None, at_most: float | None = None) -> None:
        self.above, self.at_most = above, at_most

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"expected a finite number, found {value!r}", param, ctx)
        if self.above is not None and not number > self.above:
            self.fail(f"expected a number > {self.above:g}, found {value!r}", param, ctx)
        if self.at_most is not None and not number <= self.at_most:
            self.fail(f"expected a number <= {self.at_most:g}, found {value!r}", param, ctx)
        return number


FINITE = FiniteFloat()


def _output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(QUERY_FORMATS),
            help="Output format. Default: table on screen, or from the --out suffix.",
        ),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to this file (csv, xlsx, geojson, gpkg, shp, kml, kmz), with the "
            "data's metadata and, for GIS formats, the map's styles. csv/geojson without --out "
            "go to stdout.",
        ),
        click.option("--overwrite", is_flag=True, help="Replace an existing --out file."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _split(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    model_opts = {k: kwargs.pop(k) for k in MODEL_OPTION_NAMES if k in kwargs}
    return model_opts, kwargs


def column_formatter(values: pd.Series) -> Callable[[Any], str]:
    """One format for a whole column: integers without decimals, other numbers with two.

    Examples
    --------
    >>> f = column_formatter(pd.Series([50.0, 71.875, None]))
    >>> [f(v) for v in (50.0, 71.875, None)]
    ['50.00', '71.88', 'no data']
    >>> g = column_formatter(pd.Series([1200, 45000]))
    >>> g(45000), g(True)
    ('45,000', 'yes')
    """
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    known = pd.to_numeric(values, errors="coerce").dropna() if numeric else pd.Series([])
    whole = bool(len(known)) and bool((known == known.round()).all())
    decimals = 0 if whole or pd.api.types.is_integer_dtype(values) else 2

    def cell(value: Any) -> str:
        if is_missing(value):
            return "no data"
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if numeric and isinstance(value, (int, float, np.integer, np.floating)):
            return f"{value:,.{decimals}f}"
        return str(value)

    return cell


def _print_table(result, model, title: str) -> None:
    from rich.table import Table

    from slmap.cli._common import console_out

    sample = bool(getattr(model.provenance, "sample", False))
    console = console_out()
    table = Table(title=title + (" — SAMPLE DATA (synthetic)" if sample else ""))
    columns = result.attrs.get("display") or [c for c in result.columns if c != "geometry"]
    formats = [column_formatter(result[col]) for col in columns]
    for col in columns:
        numeric = pd.api.types.is_numeric_dtype(result[col]) and result[col].dtype != bool
        table.add_column(col, justify="right" if numeric else "left")
    for row in result[columns].itertuples(index=False):
        table.add_row(*(fmt(v) for fmt, v in zip(formats, row, strict=True)))
    console.print(table)
    console.print(f"{len(result)} rows")
    for line in result.attrs.get("filters", []):
        console.print(f"  filter: {line}")


def output_format(fmt: str | None, out: Path | None) -> str:
    """The output format the options ask for; a usage error when they disagree.

    Examples
    --------
    >>> output_format(None, Path("a.xlsx")), output_format(None, None)
    ('xlsx', 'table')
    """
    if fmt is None and out is not None:
        fmt = _BY_SUFFIX.get(out.suffix.lower())
        if fmt is None:
            raise click.UsageError(
                f"cannot tell the format of {out}; pass --format "
                + "|".join(f for f in QUERY_FORMATS if f != "table")
            )
    fmt = fmt or "table"
    if fmt == "table" and out is not None:
        raise click.UsageError("--format table prints on screen; use csv, xlsx, geojson, gpkg…")
    if fmt in _FILE_ONLY and out is None:
        raise click.UsageError(f"--format {fmt} needs --out PATH")
    return fmt


def _layer_kind(frame) -> str:
    """Name a query result as the export layer it is, so it gets that layer's style."""
    if "village_id" not in frame:
        return "communes"
    covered = frame["mobile_broadband"].astype(bool) if "mobile_broadband" in frame else None
    return "uncovered" if covered is not None and not covered.any() else "villages"


def emit(result, model, fmt: str | None, out: Path | None, overwrite: bool, title: str) -> None:
    """Show or write a query result as the options ask.

    Examples
    --------
    >>> emit(result, model, "csv", Path("maps/uncovered.csv"), False, "Uncovered")  # doctest: +SKIP
    """
    from slmap import export
    from slmap.model import notes

    fmt = output_format(fmt, out)
    if fmt == "table":
        _print_table(result, model, title)
        return
    frame = notes.with_notes(result, model)
    if out is None:
        if fmt == "csv":
            from slmap.base.atomic import csv_text

            text = csv_text(frame.drop(columns="geometry"))
        else:
            text = frame.to_crs(4326).to_json(drop_id=True, ensure_ascii=False)
        click.echo(text, nl=fmt != "csv")
        return
    written = export.write_layers(
        {_layer_kind(frame): frame},
        out,
        fmt,
        overwrite=overwrite,
        meta=export.build_metadata(model),
        style=export.StyleOptions(),
        outputs=command_outputs(),
    )
    click.echo(f"wrote {len(frame)} rows to {written.paths[0]}")  # stdout, like map and export
    for line in result.attrs.get("filters", []):
        click.echo(f"  filter: {line}")


def _command(
    name: str,
    title: str,
    help_text: str | None = None,
    check: Callable[[dict[str, Any]], None] | None = None,
):
    """Register a query subcommand with the model and output options.

    ``check(options)`` runs before the model is loaded: options that need no
    data are refused at once.
    """

    def decorate(func: Callable[..., Any]) -> click.Command:
        @functools.wraps(func)
        def run(**kwargs: Any) -> None:
            model_opts, own = _split(kwargs)
            out = {k: own.pop(k) for k in ("fmt", "out", "overwrite")}
            fmt = output_format(out["fmt"], out["out"])
            if out["out"] is not None:  # every file of the result, declared before work
                from slmap.export import export_paths

                planned = export_paths(["result"], out["out"], fmt)
                command_outputs().add(*planned.files)
            if check is not None:
                check(own)
            model = load_from_options(**model_opts)
            emit(func(model, **own), model, out["fmt"], out["out"], out["overwrite"], title)

        return query_group.command(name, help=help_text)(model_options(_output_options(run)))

    return decorate


@cli.group("query")
def query_group() -> None:
    """Answer planner questions: uncovered villages, communes by metric, nearby, priority.

    Names match without accents or case ("sop cop" = "Sốp Cộp"). Every query
    prints a table by default (with the row count and the filters applied);
    --format csv|xlsx|geojson with --out writes a file.
    """


_scope_options = [
    click.option("--commune", help="Commune name (any accents/case) or 5-digit GSO code."),
    click.option("--district", help="Former district (2019-2025) name or code."),
    click.option("--min-households", type=click.IntRange(min=0), help="At least N households."),
    click.option("--limit", type=click.IntRange(min=1), help="Show the first N rows."),
]


def _scoped(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_scope_options):
        func = option(func)
    return func


@_command("uncovered", "Villages without mobile broadband")
@_scoped
@click.option("--no-grid-power", is_flag=True, help="Only villages known to lack grid power.")
@click.option("--sort", type=click.Choice(q.SORT_KEYS), default="households", show_default=True)
def uncovered(model, **kw: Any):
    """Villages without mobile broadband (signal none or 2G), largest first."""
    return q.villages_without_broadband(model, **kw)


@_command("communes", "Communes by metric")
@click.option("--metric", required=True, help="Metric column, e.g. villages_no_mbb, share_4g.")
@click.option("--above", type=FINITE, help="Keep communes with metric > V.")
@click.option("--below", type=FINITE, help="Keep communes with metric < V.")
@click.option("--top", type=click.IntRange(min=1), help="Keep the first N (highest first).")
def communes(model, **kw: Any):
    """Communes filtered and ordered by a metric ("no data" is never above or below)."""
    return q.communes_by_metric(model, kw.pop("metric"), **kw)


def _check_near(options: dict[str, Any]) -> None:
    q.check_point(options["lon"], options["lat"])


@_command("near", "Villages near a point", check=_check_near)
@click.option("--lon", type=FINITE, required=True, help="Longitude (WGS84).")
@click.option("--lat", type=FINITE, required=True, help="Latitude (WGS84).")
@click.option("--radius-km", type=FiniteFloat(above=0, at_most=20_000), required=True)
@click.option("--uncovered-only", is_flag=True, help="Only villages without mobile broadband.")
@click.option("--limit", type=click.IntRange(min=1), help="Show the first N rows.")
def near(model, **kw: Any):
    """Villages within a radius, nearest first (distance in the point's UTM zone)."""
    return q.villages_near(model, kw.pop("lon"), kw.pop("lat"), kw.pop("radius_km"), **kw)


_PRIORITY_HELP = (
    "Villages without mobile broadband ranked by a transparent priority score.\n\n\b\n"
    + ranking.PRIORITY_FORMULA
)


@_command("priority", "Priority ranking of uncovered villages", _PRIORITY_HELP)
@_scoped
def priority(model, **kw: Any):
    return ranking.priority_ranking(model, **kw)
