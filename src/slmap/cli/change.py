"""``slmap change``: villages that gained or lost mobile broadband between two dates."""

from __future__ import annotations

import json
from pathlib import Path

import click

from slmap.cli._common import MODEL_OPTION_NAMES, load_from_options, model_options
from slmap.cli.group import cli

__all__ = ["change", "load_change"]


def load_change(before: Path | None, after: Path | None, opts: dict):
    """Build the two models (same boundaries and layout) and compare them.

    ``after`` defaults to the ``register`` option, then to the sample's later
    date; ``before`` to the sample's earlier date when the later is the
    sample.
    """
    from slmap.model.change import compare_villages
    from slmap.sources import SAMPLE_DATES

    later = dict(opts)
    earlier = dict(opts)
    later["register"] = after or opts.get("register")
    if later["register"] is None:
        later["as_of"] = SAMPLE_DATES[-1]
    if before is None:
        if later["register"] is not None:
            raise click.UsageError("give --before REGISTER (the earlier date)")
        earlier.update(register=None, as_of=SAMPLE_DATES[0])
    else:
        earlier.update(register=before, as_of=opts.get("as_of_before"))
    earlier.pop("as_of_before", None)
    later.pop("as_of_before", None)
    after_model = load_from_options(**later)
    if after_model.provenance.layout and not earlier.get("layout"):
        earlier["layout"] = after_model.provenance.layout
    before_model = load_from_options(**earlier, quiet=True)
    prov = after_model.province
    result = compare_villages(
        before_model.villages,
        after_model.villages,
        after_model.communes[["commune_code", "commune_name", "district_code", "district_name"]],
        province=(str(prov["province_code"].iloc[0]), str(prov["province_name"].iloc[0])),
        as_of=(before_model.provenance.as_of, after_model.provenance.as_of),
    )
    return result, before_model, after_model


def _echo_unpaired(result) -> None:
    for label, frame in (("before", result.only_before), ("after", result.only_after)):
        if len(frame):
            ids = ", ".join(frame["village_id"].astype(str).head(10))
            more = f" and {len(frame) - 10} more" if len(frame) > 10 else ""
            click.echo(
                f"note: {len(frame)} village(s) only in the {label} register, not paired: "
                f"{ids}{more}",
                err=True,
            )


@cli.command()
@model_options
@click.option(
    "--before",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Register of the earlier date (default: the sample at 2021-12-31).",
)
@click.option(
    "--after",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Register of the later date (default: --register, else the sample at 2022-12-31).",
)
@click.option("--as-of-before", help="Date of --before when it has no as_of column.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="json: a list of rows, each with level, code, name and the four counts.",
)
def change(before: Path | None, after: Path | None, fmt: str, **kwargs) -> None:
    """Villages newly covered or newly uncovered between two dates.

    The same villages at two dates are paired by village_id; per province,
    former district and commune: villages_no_mbb_before,
    villages_no_mbb_after, newly_covered, newly_uncovered. Villages present
    in only one register are counted and listed apart, never paired by guess.
    Without --before/--after: the two dates of the sample (216 → 123).
    """
    opts = {k: kwargs.pop(k) for k in MODEL_OPTION_NAMES if k in kwargs}
    opts["as_of_before"] = kwargs.pop("as_of_before", None)
    result, _, after_model = load_change(before, after, opts)
    _echo_unpaired(result)
    rows = result.rows
    if fmt == "json":
        click.echo(json.dumps(rows.to_dict(orient="records"), ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from slmap.base.atomic import csv_text

        click.echo(csv_text(rows), nl=False)
    else:
        _print_table(rows, result, after_model.provenance.sample)


def _print_table(rows, result, sample: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    title = (
        f"Change {result.as_of_before or '?'} → {result.as_of_after or '?'}"
        f" (paired villages: {len(result.villages):,})"
        + (" — SAMPLE DATA (synthetic)" if sample else "")
    )
    table = Table(title=title)
    for col in (
        "level",
        "code",
        "name",
        "no MBB before",
        "no MBB after",
        "newly covered",
        "newly uncovered",
    ):
        table.add_column(col, justify="right" if "MBB" in col or "newly" in col else "left")
    for r in rows.itertuples(index=False):
        if r.level == "commune" and not (r[3] or r[4] or r[5] or r[6]):
            continue
        table.add_row(r.level, str(r.code), str(r.name), *(f"{int(v):,}" for v in r[3:]))
    Console(width=max(100, Console().width), soft_wrap=True).print(table)
