"""The ``slmap`` click group every subcommand module registers on."""

from __future__ import annotations

import click

from slmap import __version__
from slmap.cli._common import SlmapGroup

__all__ = ["cli"]


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
