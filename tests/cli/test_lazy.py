"""The CLI imports only what a subcommand uses (tests for :mod:`slmap.cli.group`).

Each check runs the command in a new interpreter and prints the modules it
ended with, so an import added anywhere on the path shows up here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from slmap.cli import cli
from slmap.cli.group import COMMANDS, LazyGroup

#: Heavy packages no planner question should pay for.
HEAVY = ("scipy", "matplotlib", "openpyxl", "xlrd", "odf", "rasterio", "pulp", "mapclassify")

_HARNESS = """
import json, runpy, sys
{preload}
sys.argv = ["slmap", *json.loads(sys.argv[1])]
try:
    runpy.run_module("slmap", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}), file=sys.stderr)
"""


def _modules_after(args: list[str], env: dict[str, str], preload: str = "") -> set[str]:
    """The top-level packages imported by ``slmap ARGS`` run in a new interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _HARNESS.format(preload=preload), json.dumps(args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    assert result["code"] in (0, None), proc.stderr[-2000:]
    return {name.partition(".")[0] for name in result["modules"]} | set(result["modules"])


@pytest.fixture
def child_env(upstream_env: Path) -> dict[str, str]:
    return dict(os.environ)


@pytest.mark.parametrize("args", [["stats"], ["query", "uncovered"]])
def test_planner_commands_leave_heavy_packages_out(args: list[str], child_env) -> None:
    loaded = _modules_after(args, child_env)
    assert not sorted(set(HEAVY) & loaded)
    # only the subcommand's own CLI module is imported
    own = COMMANDS[args[0]][0]
    others = {module for module, _ in COMMANDS.values()} - {own}
    assert own in loaded
    assert not sorted(others & loaded)


def test_the_check_sees_a_heavy_import(child_env) -> None:
    """The harness reports a package the run imported (so the test above can fail)."""
    loaded = _modules_after(["--version"], child_env, preload="import openpyxl")
    assert "openpyxl" in loaded


def test_help_lists_every_command_without_importing_them() -> None:
    env = dict(os.environ, COLUMNS="200")
    code = (
        "import sys; from slmap.cli import main\n"
        "try:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('slmap.cli.')), file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.stderr.strip() == "['slmap.cli._common', 'slmap.cli.group']"
    for name, (_, short) in COMMANDS.items():
        assert f"  {name}" in proc.stdout
        assert short[:40] in proc.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_table_matches_each_command(name: str) -> None:
    """The short help in the table is the command's own, and its module defines it."""
    module, short = COMMANDS[name]
    command = cli.get_command(None, name)
    assert command is not None
    assert command.callback.__module__ == module
    assert command.get_short_help_str(10_000) == short


def test_every_registered_command_is_in_the_table() -> None:
    for name in list(COMMANDS):
        cli.get_command(None, name)
    assert sorted(cli.commands) == sorted(COMMANDS)


def test_command_help_and_unknown_command() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["stats", "--help"])
    assert result.exit_code == 0
    assert "--level" in result.output
    result = runner.invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_a_new_command_is_one_line_in_the_table() -> None:
    group = LazyGroup(lazy={"hello": ("slmap.cli.group", "Say hello.")})

    @group.command()
    def hello() -> None:
        """Say hello."""
        click.echo("hello")

    assert group.list_commands(None) == ["hello"]
    result = CliRunner().invoke(group, ["hello"])
    assert result.output == "hello\n"
