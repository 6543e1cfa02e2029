"""Command-line interface: ``slmap validate|stats|fetch|map|query|export``.

Each subcommand lives in its own module of this package and is a thin layer
over the library. Shared options live in :mod:`slmap.cli._common`. Any
:class:`~slmap.errors.SlmapError` becomes one line per problem on stderr and
a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import click

from slmap import __version__
from slmap.cli._common import SlmapGroup, run_guarded

__all__ = ["cli", "main"]


@click.group(
    cls=SlmapGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="slmap")
def cli() -> None:
    """slmap: mobile broadband and fibre coverage of Vietnamese communes and villages.

    Boundaries come from --boundaries PATH, else SLMAP_DATA_DIR or the user
    cache (fill it with `slmap fetch`). Without --register the embedded
    synthetic sample register of Sơn La is used (labelled "sample data").
    """


def _register_commands() -> None:
    # Each module registers its subcommands on the group when imported.
    from slmap.cli import change, data, export, map, query  # noqa: F401


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``slmap`` console script."""
    run_guarded(cli, argv)
