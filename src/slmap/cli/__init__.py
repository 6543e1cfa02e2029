"""Command-line interface: ``slmap map|query|export|report|change|predict|plan|…``.

Each subcommand lives in its own module of this package and is a thin layer
over the library; :mod:`slmap.cli.group` imports a module only when its
command runs or shows its help. Shared options live in :mod:`slmap.cli._common`. Any
:class:`~slmap.base.errors.SlmapError` becomes one line per problem on stderr and
a non-zero exit code, never a traceback.

May import: every other package of slmap (the top layer); nothing imports it.
"""

from __future__ import annotations

from slmap.cli._common import run_guarded
from slmap.cli.group import cli

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``slmap`` console script."""
    run_guarded(cli, argv)
