"""The ``slmap`` click group every subcommand module registers on.

Subcommands are imported lazily: :data:`COMMANDS` maps each command name to
the module that defines it and to its short help, so ``slmap --help`` lists
every command without importing any of them, and ``slmap stats`` imports
:mod:`slmap.cli.data` and nothing else of the CLI. To add a command, write its
module (``@cli.command()`` on :data:`cli`) and add one line to :data:`COMMANDS`.
"""

from __future__ import annotations

from importlib import import_module

import click

from slmap.base.version import __version__
from slmap.cli._common import SlmapGroup

__all__ = ["COMMANDS", "LazyGroup", "cli"]

#: Command name -> (module that registers it on :data:`cli`, short help for ``--help``).
#: The one list of subcommands; ``tests/test_lazy.py`` checks the help against each command.
COMMANDS: dict[str, tuple[str, str]] = {
    "change": (
        "slmap.cli.change",
        "Villages newly covered or newly uncovered between two dates.",
    ),
    "cache": (
        "slmap.cli.cache",
        "The model cache: validated models and approximate communes kept between commands.",
    ),
    "export": (
        "slmap.cli.export",
        "Export layers to Shapefile, GeoPackage, GeoJSON, CSV or Excel, Vietnamese text intact.",
    ),
    "fetch": (
        "slmap.cli.data",
        "Download the pinned public boundary files into the cache (checks SHA-256).",
    ),
    "fetch-dem": (
        "slmap.cli.terrain",
        "Download the open DEM tiles covering a province into the cache (once).",
    ),
    "map": (
        "slmap.cli.map",
        "Write the offline coverage map: one HTML file that opens with no network.",
    ),
    "plan": (
        "slmap.cli.plan",
        "Choose new sites for villages reported without mobile broadband.",
    ),
    "predict": (
        "slmap.cli.predict",
        "Predict each village's mobile broadband from radio sites (and terrain).",
    ),
    "query": (
        "slmap.cli.query",
        "Answer planner questions: uncovered villages, communes by metric, nearby, priority.",
    ),
    "report": (
        "slmap.cli.report",
        "Static report: province map and summary, then a page per commune with its villages "
        "without mobile broadband ranked by priority (as `slmap query priority`).",
    ),
    "stats": (
        "slmap.cli.data",
        "Coverage summary for the province, former districts and communes.",
    ),
    "validate": (
        "slmap.cli.data",
        "Check boundaries and register; list every problem, one per line.",
    ),
}


class LazyGroup(SlmapGroup):
    """A :class:`SlmapGroup` that imports a subcommand's module only when it is used.

    ``lazy`` maps command names to ``(module, short help)``. Listing the
    commands (``--help``) reads the short help from the table; running or
    asking for the help of one command imports its module, which registers
    the command on the group as a plain click command.

    Examples
    --------
    >>> group = LazyGroup(lazy={"hello": ("slmap.cli.nowhere", "Say hello.")})
    >>> group.list_commands(None)
    ['hello']
    """

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        """Every command name, sorted, without importing any module."""
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module the first time."""
        if cmd_name not in self.commands and cmd_name in self.lazy:
            import_module(self.lazy[cmd_name][0])
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from the table (no module imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.lazy:
                text = self.lazy[name][1]
                short = text if len(text) <= limit else _shorten(text, limit)
            else:
                short = self.commands[name].get_short_help_str(limit)
            rows.append((name, short))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, ending in ``...``."""
    cut = text[: max(limit - 3, 0)].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}..."


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="slmap")
def cli() -> None:
    """slmap: mobile broadband and fibre coverage of Vietnamese communes and villages.

    Boundaries come from --boundaries PATH, else SLMAP_DATA_DIR or the user
    cache (fill it with `slmap fetch`). Without --register the embedded
    synthetic sample register of Sơn La is used (labelled "sample data").
    """
