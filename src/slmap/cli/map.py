"""``slmap map``: write the offline coverage map (one self-contained HTML file).

The default output is named after the province (``maps/son_la_coverage.html``
for Sơn La, ``maps/vietnam_coverage.html`` for ``--province all``); it is a
build product and is rebuilt in place on every run. A path given with ``--out`` is never replaced
unless ``--overwrite`` is passed. The file is written atomically (temporary
file in the same folder, then rename), so a reader never sees half a map.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from slmap.base.errors import InputError
from slmap.base.names import strip_accents, strip_prefix
from slmap.cli._common import (
    classification_options,
    load_from_options,
    model_options,
)
from slmap.cli._outputs import command_outputs
from slmap.cli.group import cli
from slmap.model.classify import parse_breaks

if TYPE_CHECKING:
    from slmap.model import CoverageModel

__all__ = ["DEFAULT_OUT", "default_out", "load_predicted", "map_command", "write_map"]

#: Where ``slmap map`` writes when no ``--out`` is given (relative to the current folder).
DEFAULT_OUT = Path("maps") / "son_la_coverage.html"


def write_map(html: str, path: str | Path, overwrite: bool = False) -> Path:
    """Write the map ``html`` to ``path`` atomically (UTF-8).

    Parameters
    ----------
    html : str
        The page from :func:`slmap.page.render.render_html`.
    path : str or path-like
        Destination; missing folders are created.
    overwrite : bool, default False
        Replace an existing file; without it an existing file is refused
        (:class:`~slmap.base.errors.ExportError`) and left untouched.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.html"
    >>> write_map("<!DOCTYPE html>", p).read_text()
    '<!DOCTYPE html>'
    """
    from slmap.base.atomic import atomic_write_text

    return atomic_write_text(path, html, overwrite=overwrite)


def default_out(province: str | None, model: CoverageModel | None = None) -> Path:
    """Default output path: named after the province of the map.

    ``14`` (Sơn La) gives :data:`DEFAULT_OUT`, ``all`` gives
    ``maps/vietnam_coverage.html``, another province its unaccented name
    (e.g. ``maps/ha_noi_coverage.html``), or its code when the name is unknown.

    Examples
    --------
    >>> default_out("all").as_posix()
    'maps/vietnam_coverage.html'
    >>> default_out("14").as_posix()
    'maps/son_la_coverage.html'
    >>> default_out("14,11").as_posix()
    'maps/14_11_coverage.html'
    """
    code = str(province or "14").strip()
    if code == "14":
        return DEFAULT_OUT
    if code.lower() == "all":
        return DEFAULT_OUT.with_name("vietnam_coverage.html")
    names = model.communes["province_name"] if model is not None else None
    slug = code.replace(",", "_")  # a list of provinces: maps/14_11_coverage.html
    if names is not None and names.nunique() == 1:
        text = strip_accents(strip_prefix(str(names.iloc[0]))).lower()
        slug = re.sub(r"[^a-z0-9]+", "_", text).strip("_") or code
    return DEFAULT_OUT.with_name(f"{slug}_coverage.html")


def load_predicted(
    model: CoverageModel,
    lang: str,
    sites: Path | None,
    prediction: Path | None,
    plan: Path | None,
    keep_going: bool,
) -> dict:
    """Read --sites, --prediction and --plan and build their page data.

    Problems are printed on stderr, one line each: rejected rows with
    ``--keep-going`` and warnings (villages left without a prediction...).
    """
    from slmap.cli.predict import load_sites
    from slmap.page import predict as map_predict
    from slmap.sources.predictions import read_plan, read_prediction

    inputs = map_predict.PredictionInputs(keep_going=keep_going)
    if sites is not None:
        from slmap.radio.predict import DEFAULT_RADIUS_KM, distance_area

        inputs.sites = load_sites(sites, keep_going)
        inputs.distance_area = distance_area(inputs.sites.sites, DEFAULT_RADIUS_KM)
        inputs.radius_km = DEFAULT_RADIUS_KM
    if prediction is not None:
        inputs.prediction = read_prediction(prediction, keep_going=keep_going)
        inputs.warnings.extend(inputs.prediction.problems)
    if plan is not None:
        inputs.plan = read_plan(plan, keep_going=keep_going)
        inputs.warnings.extend(inputs.plan.problems)
    data = map_predict.page_data(model, inputs, lang)
    for problem in inputs.warnings:
        prefix = "rejected" if problem.severity == "error" else "warning"
        click.echo(f"{prefix}: {problem}", err=True)
    return data


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f} MB"
    return f"{n / 1000:.0f} kB"


@cli.command("map")
@model_options
@classification_options
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of labels, legend, tooltips and popups.",
)
@click.option(
    "--tiles",
    type=click.Choice(["osm"]),
    default=None,
    help="Add an online OpenStreetMap basemap (the map then needs the network "
    "for the basemap only). Default: no basemap, fully offline.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Output HTML file. Default: named after --province and rebuilt in place: "
    f"{DEFAULT_OUT} for 14 (Sơn La), maps/vietnam_coverage.html for all, "
    "maps/<province>_coverage.html otherwise (e.g. maps/ha_noi_coverage.html).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace an existing --out file (the default output is always rebuilt).",
)
@click.option(
    "--before",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Draw a change map: the register of an earlier date (--register is the later one). "
    "Communes are coloured by villages newly covered; newly covered, still uncovered and "
    "newly uncovered villages are three layers. 'sample' for the sample's 2021-12-31.",
)
@click.option("--as-of-before", help="Date of --before when it has no as_of column.")
@click.option(
    "--sites",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add existing radio sites (CSV, Excel, GeoJSON, GPKG: site_id, lon, lat, height_m...), "
    "coloured by technology; a synthetic site list is labelled so.",
)
@click.option(
    "--prediction",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add what `slmap predict --out` wrote: the predicted covered area (the GPKG's coverage "
    "layer, else 5 km around the --sites with 3G/4G/5G) and the villages where prediction and "
    "register disagree. Predicted is always drawn apart from reported.",
)
@click.option(
    "--plan",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add what `slmap plan --out` wrote: proposed sites, lines to the villages each would "
    "cover and (from NAME.villages.csv beside it) the villages no candidate reaches.",
)
def map_command(
    metric: str,
    scheme: str | None,
    k: int,
    breaks: str | None,
    lang: str,
    tiles: str | None,
    out: Path | None,
    overwrite: bool,
    before: Path | None,
    as_of_before: str | None,
    sites: Path | None,
    prediction: Path | None,
    plan: Path | None,
    **model_opts: object,
) -> None:
    """Write the offline coverage map: one HTML file that opens with no network.

    Communes are coloured by --metric with an explicit "no data" class;
    villages without mobile broadband are drawn on top (hollow = estimated
    location); the page has a legend, layer switcher, scale bar and an
    accent-insensitive search ("muong la" finds "Mường La").
    """
    from slmap.page.render import render_html

    fixed = parse_breaks(breaks)  # fail on bad --breaks before the slow load
    outs = command_outputs()
    if out is not None:
        if out.suffix.lower() not in (".html", ".htm"):
            raise InputError(f"{out}: unknown output suffix '{out.suffix}'; expected .html or .htm")
        outs.add(out)
    change = None
    if before is not None:
        from slmap.cli.change import load_change

        sample = str(before) == "sample"
        opts = dict(model_opts, as_of_before=as_of_before)
        change, _, model = load_change(None if sample else before, None, opts)
    else:
        model = load_from_options(**model_opts)
    predicted = None
    if sites or prediction or plan:
        predicted = load_predicted(
            model, lang, sites, prediction, plan, bool(model_opts.get("keep_going"))
        )
    html = render_html(
        model,
        metric=metric,
        scheme=scheme,
        k=k,
        breaks=fixed,
        lang=lang,
        tiles=tiles,
        change=change,
        predicted=predicted,
    )
    target = out or default_out(model_opts.get("province"), model)
    outs.add(target, overwrite=True if out is None else None)  # the default is rebuilt
    write_map(html, outs.stage(target), overwrite=True)
    size = len(html.encode("utf-8"))
    click.echo(f"wrote {target} ({_size(size)}, {size:,} bytes)")
