"""Options and error handling shared by every subcommand."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from slmap.base.errors import InputError, SlmapError

__all__ = [
    "SlmapGroup",
    "classification_options",
    "console_err",
    "console_out",
    "echo_layouts",
    "echo_problems",
    "echo_warnings",
    "load_from_options",
    "model_options",
    "province_option",
    "run_guarded",
]


def console_err():
    """Return a rich console writing to stderr (created lazily)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def console_out():
    """Return a rich console for tables on stdout.

    On a terminal it uses the terminal's width; into a pipe or a file it is
    wide enough that no header or cell is cut (rich would assume 80 columns).
    """
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 10_000)


def echo_problems(lines: list[str], prefix: str = "error") -> None:
    """Print one line per problem on stderr."""
    for line in lines:
        click.echo(f"{prefix}: {line}", err=True)


def echo_warnings(problems: list, per_kind: int = 3, notes: bool = False) -> None:
    """Print warnings on stderr, at most ``per_kind`` of each kind plus a count.

    ``notes`` also prints the known repairs of pinned files (``--all-warnings``).
    """
    shown: dict[str, int] = {}
    wanted = ("warning", "note") if notes else ("warning",)
    for problem in problems:
        if problem.severity not in wanted:
            continue
        shown[problem.kind] = shown.get(problem.kind, 0) + 1
        if shown[problem.kind] <= per_kind:
            click.echo(f"warning: {problem}", err=True)
    for kind, count in shown.items():
        if count > per_kind:
            click.echo(
                f"warning: ... and {count - per_kind} more of this kind ({kind}); "
                "`slmap validate --all-warnings` lists them all",
                err=True,
            )


def echo_layouts(provenance) -> None:
    """One line per input saying the layout found and why, and the output layout."""
    for what, reason in provenance.layout_reasons.items():
        click.echo(f"layout: {what}: {reason}", err=True)
    if set(provenance.input_layouts.values()) - {provenance.layout}:
        click.echo(f"layout: outputs drawn in the {provenance.layout} layout", err=True)


class SlmapGroup(click.Group):
    """Click group that turns slmap errors into one line per problem.

    Exit codes: 0 success, 1 bad input or failed output (SlmapError),
    2 usage error (click), 3 internal error (a bug; SLMAP_DEBUG=1 shows the
    traceback), 130 interrupted. Never a traceback for bad input.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            echo_problems(exc.lines())
            if len(exc.problems) > 1:
                click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except SlmapError as exc:
            echo_problems([str(exc)])
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug, not bad input: still one line, no traceback
            if os.environ.get("SLMAP_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} — this is a bug in slmap; "
                "run again with SLMAP_DEBUG=1 for the traceback and report it",
                err=True,
            )
            ctx.exit(3)


def run_guarded(group: click.Group, argv: list[str] | None = None) -> None:
    """Run the CLI as a console script."""
    try:
        group.main(args=argv, prog_name="slmap")
    except BrokenPipeError:
        sys.exit(0)


def province_option(ctx: click.Context | None, param: Any, value: str | None) -> str:
    """Read ``--province`` once: codes or names, a list or ``all``, to canonical codes.

    Returns ``"all"`` or the two-digit codes joined by commas (``"14,11"``),
    the form every function taking ``province`` understands.

    Examples
    --------
    >>> province_option(None, None, "son la, Điện Biên")
    '14,11'
    >>> province_option(None, None, "ALL")
    'all'
    """
    from slmap.admin.registry import parse_provinces

    codes = parse_provinces(value)
    return "all" if codes is None else ",".join(codes)


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every data-reading subcommand shares."""
    options = [
        click.option(
            "--boundaries",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Commune boundaries (GeoJSON, GeoPackage, Shapefile, zipped Shapefile, "
            "KML/KMZ, or a pinned upstream JSON). Default: SLMAP_DATA_DIR, then the cache.",
        ),
        click.option("--boundaries-layer", help="Layer to read from a multi-layer boundary file."),
        click.option("--code-field", help="Field holding the 5-digit GSO commune code."),
        click.option("--name-field", help="Field holding the commune name (no codes)."),
        click.option(
            "--register",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Village register (CSV or Excel). Default: the embedded synthetic sample.",
        ),
        click.option("--encoding", help="Encoding of a CSV register (e.g. cp1258, utf-16)."),
        click.option("--sheet", help="Excel sheet of the register (default: the first)."),
        click.option(
            "--statistics",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Optional commune statistics (CSV or Excel keyed by commune_code).",
        ),
        click.option(
            "--keep-going",
            is_flag=True,
            help="Load the usable rows; write unusable ones to a rejects CSV.",
        ),
        click.option(
            "--rejects",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Where --keep-going writes rejected rows (default: beside the register).",
        ),
        click.option(
            "--province",
            default="14",
            show_default=True,
            callback=province_option,
            help="Province code or name, accents optional (14, 'son la', 'Hà Nội'), a "
            "comma-separated list (14,11), or 'all' for Việt Nam. Provinces without boundary "
            "files use approximate boundaries.",
        ),
        click.option(
            "--layout",
            "layout",
            help="Layout of the outputs: 2023 (204 communes, to 2024-12-31), 2025-03 (200) or "
            "2025 (75). Default: the layout of the boundaries given, else 2025. Inputs in an "
            "older layout are converted forward; never backward.",
        ),
        click.option(
            "--input-layout",
            help="Force the layout the inputs are keyed to (2023, 2025-03 or 2025) instead of "
            "detecting it.",
        ),
        click.option(
            "--district-field",
            help="Field of the boundary file holding the district name (ten_huyen, NAME_2, "
            "Huyện, Quan... are recognised).",
        ),
        click.option(
            "--as-of",
            help="Date the register describes (YYYY-MM-DD or DD/MM/YYYY), when it has no as_of "
            "column. Without --register: the sample date, 2021-12-31 or 2022-12-31 (default).",
        ),
        click.option(
            "--list",
            "uncovered_list",
            type=click.Choice(["uncovered"]),
            help="The register is a published list of villages without mobile broadband "
            "(no signal column; detected when not given).",
        ),
        click.option(
            "--verbose",
            is_flag=True,
            help="List every unmatched unit instead of a short diagnosis.",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            help="Build the model from the inputs, neither reading nor writing the model cache "
            "(`slmap cache info` shows it).",
        ),
    ]
    for option in reversed(options):
        func = option(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from slmap.cli._outputs import check_outputs

        outs = check_outputs(kwargs)
        try:
            result = func(*args, **kwargs)
        except SystemExit:  # a deliberate exit code after the outputs were made
            outs.commit()
            raise
        except BaseException:
            outs.discard()
            raise
        outs.commit()
        return result

    return wrapper


MODEL_OPTION_NAMES = (
    "boundaries",
    "boundaries_layer",
    "code_field",
    "name_field",
    "register",
    "encoding",
    "sheet",
    "statistics",
    "keep_going",
    "rejects",
    "province",
    "layout",
    "input_layout",
    "district_field",
    "as_of",
    "uncovered_list",
    "verbose",
    "no_cache",
)


def load_from_options(quiet: bool = False, **opts: Any):
    """Build a :class:`~slmap.model.CoverageModel` from the shared options.

    Warnings are printed on stderr (one line each); with ``--keep-going`` the
    rejected rows go to a CSV (written with the command's other outputs) and
    the counts are printed.
    """
    from slmap.model import load_coverage

    model = load_coverage(
        boundaries=opts.get("boundaries"),
        layer=opts.get("boundaries_layer"),
        code_field=opts.get("code_field"),
        name_field=opts.get("name_field"),
        register=opts.get("register"),
        encoding=opts.get("encoding"),
        sheet=opts.get("sheet"),
        statistics=opts.get("statistics"),
        keep_going=bool(opts.get("keep_going")),
        province=opts.get("province") or "14",
        layout=opts.get("layout"),
        input_layout=opts.get("input_layout"),
        district_field=opts.get("district_field"),
        as_of=opts.get("as_of"),
        uncovered_list=True if opts.get("uncovered_list") else None,
        verbose=bool(opts.get("verbose")),
        use_cache=not opts.get("no_cache"),
    )
    if not quiet:
        echo_warnings(model.problems)
        echo_layouts(model.provenance)
    # --keep-going: features left out of the boundaries have no rejects file; say each
    echo_problems([str(p) for p in model.problems if p.severity == "error" and p.row is None])
    if len(model.rejects):
        from slmap.cli._outputs import write_rejects

        write_rejects(model, opts.get("rejects"))
    return model


def classification_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--metric``, ``--scheme``, ``--k`` and ``--breaks``: one classification for
    the map and the styled exports (the same classes and colours in both)."""
    from slmap.model.classify import DEFAULT_SCHEMES, METRIC_KEYS, SCHEMES

    options = [
        click.option(
            "--metric",
            type=click.Choice(METRIC_KEYS),
            default="villages_no_mbb",
            show_default=True,
            help="Commune metric to colour: villages without mobile broadband, share of "
            "villages with 4G, population covered by 4G, households with fibre.",
        ),
        click.option(
            "--scheme",
            type=click.Choice(SCHEMES),
            default=None,
            help=f"mapclassify scheme (default: {DEFAULT_SCHEMES['share_4g']}; a count metric "
            "keeps 0 as a class of its own).",
        ),
        click.option(
            "--k",
            type=click.IntRange(1, 9),
            default=5,
            show_default=True,
            help="Number of classes.",
        ),
        click.option(
            "--breaks", help='Fixed upper class bounds, e.g. "1,3,6" (overrides --scheme).'
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func
