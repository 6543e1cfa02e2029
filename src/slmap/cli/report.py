"""``slmap report``: a static PDF report (or a PNG map), made without a browser.

A thin layer over :mod:`slmap.report`; the write is atomic and refuses an
existing ``--out`` without ``--overwrite``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from slmap.base.errors import InputError
from slmap.cli._common import (
    MODEL_OPTION_NAMES,
    load_from_options,
    model_options,
)
from slmap.cli._outputs import command_outputs
from slmap.cli.group import cli

__all__ = ["report"]

REPORT_FORMATS = ("pdf", "png")


def _format(fmt: str | None, out: Path) -> str:
    """The report's format: --format, else the suffix; a suffix not the format's is refused."""
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in REPORT_FORMATS:
        raise InputError(
            f"{out}: unknown output suffix '{out.suffix}'; expected one of: "
            + ", ".join(f".{f}" for f in REPORT_FORMATS)
        )
    if fmt is not None and fmt != suffix:
        raise InputError(f"{out}: --format {fmt} writes a .{fmt} file, not '{out.suffix}'")
    return suffix


@cli.command("report")
@model_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file (.pdf, or .png with --format png).",
)
@click.option(
    "--commune",
    help="Only this commune (name, any accents/case, or 5-digit GSO code) after the cover.",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of every label.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default=None,
    help="pdf: cover and one page per commune with villages without mobile broadband; "
    "png: the province map of the cover as one image. Default: from the --out suffix, else pdf.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing --out file.")
def report(out: Path, commune: str | None, lang: str, fmt: str | None, overwrite: bool, **kwargs):
    """Static report: province map and summary, then a page per commune with its
    villages without mobile broadband ranked by priority (as `slmap query priority`).

    Text is embedded as TrueType (searchable, Vietnamese intact). Made from the
    sample register, every page says "sample data".
    """
    from slmap import report as rep
    from slmap.base import atomic

    fmt = _format(fmt, out)
    if fmt == "png" and commune is not None:
        raise click.UsageError("--commune applies to the PDF report; --format png is the cover map")
    outs = command_outputs()
    outs.add(out)
    model = load_from_options(**{k: kwargs.pop(k) for k in MODEL_OPTION_NAMES if k in kwargs})
    started = time.perf_counter()
    if fmt == "pdf":
        data = rep.report_pdf(model, lang=lang, commune=commune)
    else:
        data = rep.report_png(model, lang=lang)
    atomic.atomic_write_bytes(outs.stage(out), data, overwrite=True)
    written = out
    what = "map" if fmt == "png" else f"{_pages(data)} pages"
    click.echo(
        f"wrote {what} to {written} ({len(data) / 1000:,.0f} kB, "
        f"{time.perf_counter() - started:.1f} s)"
    )


def _pages(pdf: bytes) -> int:
    # Every page object of a matplotlib PDF is written as "/Type /Page" (not "/Pages").
    return pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>")
