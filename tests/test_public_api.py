"""The public face does not move: every name of ``import slmap`` and every CLI command and option.

A later capability adds names or commands on purpose, here too; anything
else that changes them is a break for users and scripts.
"""

from __future__ import annotations

import click
import pytest

import slmap
from slmap.cli import cli

PUBLIC_NAMES = [
    "BoundariesNotFoundError",
    "CoverageModel",
    "DownloadError",
    "ExportError",
    "InputError",
    "Problem",
    "SlmapError",
    "ValidationError",
    "__version__",
    "build_model",
    "fetch_upstream",
    "load_coverage",
    "read_boundaries",
    "read_register",
    "read_statistics",
    "sample_register_path",
]

#: Every command (subcommands of a group as ``group sub``) and its options, space-separated.
COMMANDS = {
    "cache clear": "--all",
    "cache info": "",
    "change": (
        "--after --as-of --as-of-before --before --boundaries --boundaries-layer "
        "--code-field --district-field --encoding --format --input-layout --keep-going "
        "--layout --list --name-field --no-cache --province --register --rejects --sheet "
        "--statistics --verbose"
    ),
    "export": (
        "--as-of --boundaries --boundaries-layer --boundaries-licence --breaks --code-field "
        "--district-field --encoding --format --input-layout --k --keep-going --lang --layer "
        "--layout --list --metric --name-field --no-cache --out --overwrite --province "
        "--register --rejects --scheme --sheet --statistics --verbose --zip"
    ),
    "fetch": "--base-url --target",
    "fetch-dem": "--base-url --out-dir --province --source",
    "map": (
        "--as-of --as-of-before --before --boundaries --boundaries-layer --breaks "
        "--code-field --district-field --encoding --input-layout --k --keep-going --lang "
        "--layout --list --metric --name-field --no-cache --out --overwrite --plan "
        "--prediction --province --register --rejects --scheme --sheet --sites --statistics "
        "--tiles --verbose"
    ),
    "plan": (
        "--as-of --boundaries --boundaries-layer --candidates --climate --code-field "
        "--cover-all --dem --district-field --eirp-dbm --encoding --format --frequency-mhz "
        "--input-layout --keep-going --layout --list --max-range-km --model --name-field "
        "--new-sites --no-cache --out --overwrite --province --radius-km --register --rejects "
        "--sheet --sites --statistics --threshold-dbm --verbose"
    ),
    "predict": (
        "--as-of --boundaries --boundaries-layer --climate --code-field --dem "
        "--district-field --eirp-dbm --encoding --format --frequency-mhz --input-layout "
        "--keep-going --layout --list --max-range-km --model --name-field --no-cache --out "
        "--overwrite --province --radius-km --raster --register --rejects --sheet --sites "
        "--statistics --threshold-dbm --verbose"
    ),
    "query communes": (
        "--above --as-of --below --boundaries --boundaries-layer --code-field "
        "--district-field --encoding --format --input-layout --keep-going --layout --list "
        "--metric --name-field --no-cache --out --overwrite --province --register --rejects "
        "--sheet --statistics --top --verbose"
    ),
    "query near": (
        "--as-of --boundaries --boundaries-layer --code-field --district-field --encoding "
        "--format --input-layout --keep-going --lat --layout --limit --list --lon "
        "--name-field --no-cache --out --overwrite --province --radius-km --register "
        "--rejects --sheet --statistics --uncovered-only --verbose"
    ),
    "query priority": (
        "--as-of --boundaries --boundaries-layer --code-field --commune --district "
        "--district-field --encoding --format --input-layout --keep-going --layout --limit "
        "--list --min-households --name-field --no-cache --out --overwrite --province "
        "--register --rejects --sheet --statistics --verbose"
    ),
    "query uncovered": (
        "--as-of --boundaries --boundaries-layer --code-field --commune --district "
        "--district-field --encoding --format --input-layout --keep-going --layout --limit "
        "--list --min-households --name-field --no-cache --no-grid-power --out --overwrite "
        "--province --register --rejects --sheet --sort --statistics --verbose"
    ),
    "report": (
        "--as-of --boundaries --boundaries-layer --code-field --commune --district-field "
        "--encoding --format --input-layout --keep-going --lang --layout --list --name-field "
        "--no-cache --out --overwrite --province --register --rejects --sheet --statistics "
        "--verbose"
    ),
    "stats": (
        "--as-of --boundaries --boundaries-layer --code-field --district-field --encoding "
        "--format --input-layout --keep-going --layout --level --list --name-field "
        "--no-cache --overwrite --province --register --rejects --sheet --statistics "
        "--verbose"
    ),
    "validate": (
        "--all-warnings --as-of --boundaries --boundaries-layer --code-field "
        "--district-field --encoding --input-layout --keep-going --layout --list "
        "--name-field --no-cache --overwrite --province --register --rejects --sheet "
        "--statistics --verbose"
    ),
}


def _commands(group: click.Group, ctx: click.Context, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        full = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            out.update(_commands(command, ctx, full))
        else:
            opts = (o for p in command.params for o in p.opts if o.startswith("-"))
            out[full] = sorted(opts)
    return out


def test_the_public_names_are_unchanged() -> None:
    assert sorted(slmap.__all__) == PUBLIC_NAMES
    assert sorted(dir(slmap)) == PUBLIC_NAMES


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(slmap, name)
    assert value is not None
    if name.endswith("Error"):
        assert issubclass(value, slmap.SlmapError)


def test_the_commands_and_their_options_are_unchanged() -> None:
    expected = {name: sorted(options.split()) for name, options in COMMANDS.items()}
    assert _commands(cli, click.Context(cli)) == expected


def test_an_unknown_command_or_option_exits_2() -> None:
    from click.testing import CliRunner

    assert CliRunner().invoke(cli, ["mapp"]).exit_code == 2
    assert CliRunner().invoke(cli, ["map", "--no-such-option"]).exit_code == 2
