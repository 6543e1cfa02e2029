"""Command-line interface: ``slmap validate|stats|fetch|map|query|export``.

Each subcommand lives in its own module of this package and is a thin layer
over the library. Shared options live in :mod:`slmap.cli._common`. Any
:class:`~slmap.errors.SlmapError` becomes one line per problem on stderr and
a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from slmap.cli._common import run_guarded
from slmap.cli.group import cli

__all__ = ["cli", "main"]


def _register_commands() -> None:
    # Each module registers its subcommands on the group when imported.
    from slmap.cli import cache, change, data, export, map, predict, query, report  # noqa: F401


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``slmap`` console script."""
    run_guarded(cli, argv)
