"""``slmap validate``, ``slmap stats`` and ``slmap fetch``."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from slmap.cli._common import (
    MODEL_OPTION_NAMES,
    console_out,
    echo_layouts,
    echo_warnings,
    load_from_options,
    model_options,
)
from slmap.cli.group import cli

__all__ = ["fetch", "stats", "validate"]

#: (column, table header, format): one format per column, thousands separated.
_STAT_COLUMNS = (
    ("villages", "villages", "{:,.0f}"),
    ("villages_no_mbb", "no mobile broadband", "{:,.0f}"),
    ("households_no_mbb", "households without MBB", "{:,.0f}"),
    ("population_no_mbb", "people without MBB", "{:,.0f}"),
    ("share_4g", "villages with 4G %", "{:,.2f}"),
    ("pop_4g_share", "population with 4G %", "{:,.2f}"),
    ("fibre_hh_share", "households with fibre %", "{:,.2f}"),
    ("fibre_backbone", "fibre backbone", "{}"),
)


def _model_kwargs(kwargs: dict) -> dict:
    return {k: kwargs.pop(k) for k in MODEL_OPTION_NAMES if k in kwargs}


_OVERWRITE = click.option("--overwrite", is_flag=True, help="Replace an existing --rejects file.")


@cli.command()
@model_options
@click.option("--all-warnings", is_flag=True, help="List every warning, not three of each kind.")
@_OVERWRITE
def validate(all_warnings: bool, overwrite: bool, **kwargs) -> None:
    """Check boundaries and register; list every problem, one per line.

    Exits 0 when the data can be used (warnings may be printed), 1 when a
    problem stops loading. With --keep-going the usable rows are loaded and
    the others written to a rejects CSV; the counts are printed and reconcile,
    and the exit code is 0 when rows were loaded (as for map and stats).
    """
    m = load_from_options(**_model_kwargs(kwargs), quiet=all_warnings)
    if all_warnings:
        echo_warnings(m.problems, per_kind=len(m.problems), notes=True)
        echo_layouts(m.provenance)
    layout = f"{m.provenance.layout} layout"
    click.echo(
        f"ok: {len(m.communes)} communes ({layout}) from {m.provenance.boundaries}; "
        f"{m.read_count} rows read from {m.provenance.register}: {len(m.villages)} loaded, "
        f"{len(m.rejects)} rejected"
    )
    if len(m.rejects) and not len(m.villages):
        raise SystemExit(1)  # nothing usable was loaded


def _summary_frames(model) -> dict[str, pd.DataFrame]:
    keys = [c for c, _, _ in _STAT_COLUMNS]
    province = model.province[["province_code", "province_name", *keys]]
    communes = model.communes[["commune_code", "commune_name", "district_name", *keys]]
    frames = {"province": province, "communes": communes}
    if model.districts is not None:
        frames["districts"] = model.districts[["district_code", "district_name", *keys]]
    return frames


@cli.command()
@model_options
@click.option(
    "--level",
    type=click.Choice(["province", "districts", "communes", "all"]),
    default="all",
    show_default=True,
    help="Which summary to show.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format (csv and json go to stdout).",
)
@_OVERWRITE
def stats(level: str, fmt: str, overwrite: bool, **kwargs) -> None:
    """Coverage summary for the province, former districts and communes.

    Villages without mobile broadband (no 3G/4G/5G) and the households and
    people living in them, share of villages with 4G, population covered by
    4G, households with fibre, fibre backbone. Tables separate thousands.
    """
    model = load_from_options(**_model_kwargs(kwargs))
    frames = _summary_frames(model)
    wanted = list(frames) if level == "all" else [level]
    meta = {
        "boundaries": model.provenance.boundaries,
        "register": model.provenance.register,
        "layout": model.provenance.layout,
        "sample_data": model.provenance.sample,
        "approximate_boundaries": model.provenance.approximate,
        "data_date": model.provenance.data_date,
        "as_of": model.provenance.as_of,
        "input_layouts": model.provenance.input_layouts,
    }
    if fmt == "json":
        out = {"meta": meta}
        for k in wanted:
            out[k] = json.loads(frames[k].to_json(orient="records", force_ascii=False))
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        for k in wanted:
            frame = frames[k].assign(level=k)
            from slmap.base.atomic import csv_text

            click.echo(csv_text(frame), nl=False)
        return
    _print_tables(frames, wanted, meta)


def _print_tables(frames: dict[str, pd.DataFrame], wanted: list[str], meta: dict) -> None:
    from rich.table import Table

    console = console_out()
    if meta["sample_data"]:
        console.print(
            "[bold yellow]SAMPLE DATA[/] — synthetic register calibrated to the published "
            "2023 figures; not real villages."
        )
    if meta["approximate_boundaries"]:
        console.print(
            "[bold yellow]APPROXIMATE BOUNDARIES[/] — built from official commune centres."
        )
    for k in wanted:
        frame = frames[k]
        table = Table(title=f"{k} ({len(frame)})", title_justify="left")
        ids = [c for c in frame.columns if c not in {c for c, _, _ in _STAT_COLUMNS}]
        for c in ids:
            table.add_column(c)
        for _, label, _ in _STAT_COLUMNS:
            table.add_column(label, justify="right")
        for _, rec in frame.iterrows():
            cells = [str(rec[c]) if pd.notna(rec[c]) else "" for c in ids]
            for c, _, fmt in _STAT_COLUMNS:
                v = rec[c]
                cells.append("no data" if pd.isna(v) else fmt.format(v))
            table.add_row(*cells)
        console.print(table)


@cli.command()
@click.option(
    "--target",
    type=click.Path(file_okay=False, path_type=Path),
    help="Destination folder (default: the user cache).",
)
@click.option("--base-url", help="Mirror to download from instead of the public source.")
def fetch(target: Path | None, base_url: str | None) -> None:
    """Download the pinned public boundary files into the cache (checks SHA-256)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from slmap.sources import PINNED, fetch_upstream

    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), transient=True
    ) as progress:
        tasks: dict[str, int] = {}

        def report(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done)

        paths = fetch_upstream(target=target, base_url=base_url, progress=report)
    for key, path in paths.items():
        click.echo(f"{path}  ({PINNED[key].content}; licence: {PINNED[key].licence})")
