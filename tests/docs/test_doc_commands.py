"""The commands in the README and the quick starts run as written.

Every command line of the fenced shell blocks (```bash, ```sh, ```console,
```shell) of :data:`DOCUMENTS` is run, in document order, in a fresh folder
per document that holds what the docs refer to: ``geodata/`` (a link to the
repository's), and ``villages.csv`` / ``villages.xlsx`` (copies of the sample
register, standing for a planner's own file). Each must exit 0; a failing
command is reported with the tail of its output. Lines that cannot run here
(installing software, the network, the test script itself) are listed in
:data:`EXEMPT` with the reason, and every entry of that list must still be in
the docs. Any other program in a shell block is an error, so no command goes
unchecked.

The commands run as ``python -m slmap`` with the interpreter and the slmap of
this test run, in the caller's environment (``SLMAP_DATA_DIR`` included: with
it the real boundaries are used, without it the approximate ones), with one
model cache per module so the documents share their loaded models.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _docparse import (
    DOCUMENTS,
    EXEMPT,
    MIN_COMMANDS,
    PROGRAMS,
    README_MAX_BYTES,
    REPO,
    SAMPLE_REGISTER,
    TWO_COMMANDS,
    document_commands,
    exemption,
    extract_commands,
    runnable,
)
from _docrun import command_env, run_commands, snapshot


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model cache for the documents of this module, so models are built once."""
    return tmp_path_factory.mktemp("doc-cache") / "slmap"


@pytest.fixture
def doc_folder(tmp_path: Path) -> Path:
    """A working folder holding what the documented commands read.

    ``geodata`` links to the repository's (the sample registers and sites),
    and ``villages.csv`` and ``villages.xlsx`` stand for a planner's own
    register (copies of the sample register).
    """
    import pandas as pd

    geodata = tmp_path / "geodata"
    try:
        geodata.symlink_to(REPO / "geodata", target_is_directory=True)
    except OSError:  # no symbolic links here: a copy does as well
        shutil.copytree(REPO / "geodata", geodata)
    shutil.copyfile(REPO / SAMPLE_REGISTER, tmp_path / "villages.csv")
    register = pd.read_csv(REPO / SAMPLE_REGISTER, dtype=str, encoding="utf-8-sig")
    register.to_excel(tmp_path / "villages.xlsx", index=False)
    return tmp_path


@pytest.mark.parametrize("document", DOCUMENTS)
def test_documented_commands_run(document: str, doc_folder: Path, model_cache: Path) -> None:
    """Every command of the document exits 0, run in order in one folder."""
    commands = runnable(document_commands(document))
    assert len(commands) >= MIN_COMMANDS[document], (
        f"{document}: only {len(commands)} commands found to run, expected at least "
        f"{MIN_COMMANDS[document]}"
    )
    before = snapshot(REPO / "geodata")

    outcomes = run_commands(commands, doc_folder, command_env(model_cache))

    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        pytest.fail(
            f"{len(failed)} of {len(outcomes)} commands of {document} failed "
            f"(run in {doc_folder}):\n\n" + "\n\n".join(outcome.report() for outcome in failed),
            pytrace=False,
        )
    assert snapshot(REPO / "geodata") == before, "a documented command wrote into geodata/"


def test_every_command_is_run_or_exempt() -> None:
    """A shell block holds only commands this test runs or lists as exempt."""
    strays = [
        f"{command.where}: {command.text}"
        for document in DOCUMENTS
        for command in document_commands(document)
        if exemption(command) is None and command.argv[0] not in PROGRAMS
    ]
    assert not strays, "neither run nor exempt (add to EXEMPT with a reason):\n" + "\n".join(strays)


def test_exempt_entries_still_in_the_docs() -> None:
    """Each exempt entry is still shown in a document, so the list cannot go stale."""
    commands = [command for document in DOCUMENTS for command in document_commands(document)]
    stale = [
        " ".join(entry.prefix)
        for entry in EXEMPT
        if not any(entry.matches(command.argv) for command in commands)
    ]
    assert not stale, f"exempt but no longer in {', '.join(DOCUMENTS)}: {stale}"


def test_readme_is_a_front_door() -> None:
    """The README stays small and keeps its two set-up commands as they are."""
    readme = REPO / "README.md"
    assert readme.stat().st_size <= README_MAX_BYTES
    lines = readme.read_text(encoding="utf-8").splitlines()
    for command in TWO_COMMANDS:
        assert command in lines, f"the README no longer shows {command!r}"


def test_a_failing_command_is_reported(tmp_path: Path, model_cache: Path) -> None:
    """A command that fails is reported with its place, exit code and output."""
    markdown = (
        "```bash\n"
        "python3 -c \"print('fine')\"\n"
        "slmap query uncovered --no-such-option  # a typo in the docs\n"
        "```\n"
    )
    commands = extract_commands(markdown, "broken.md")
    outcomes = run_commands(commands, tmp_path, command_env(model_cache))
    assert [outcome.ok for outcome in outcomes] == [True, False]
    report = outcomes[1].report()
    assert report.startswith("broken.md:3: slmap query uncovered --no-such-option")
    assert "exit 2" in report
    assert "--no-such-option" in outcomes[1].stderr


def test_extraction_rules() -> None:
    """Comments, continuations, ``&&``, console prompts and other languages."""
    markdown = "\n".join(
        [
            "```bash",
            "# a comment line",
            "slmap map   # trailing comment",
            "python3 -m pip install -e . && slmap stats",
            "slmap export --layer all \\",
            '    --out "out/a b.gpkg"',
            "```",
            "```console",
            "$ slmap cache info",
            "cache: /tmp/x",
            "```",
            "```python",
            "slmap.load_coverage()",
            "```",
            "```",
            "slmap not-a-shell-block",
            "```",
        ]
    )
    commands = extract_commands(markdown, "x.md")
    assert [(c.line, c.argv) for c in commands] == [
        (3, ("slmap", "map")),
        (4, ("python3", "-m", "pip", "install", "-e", ".")),
        (4, ("slmap", "stats")),
        (5, ("slmap", "export", "--layer", "all", "--out", "out/a b.gpkg")),
        (9, ("slmap", "cache", "info")),
    ]
    with pytest.raises(ValueError, match="unsupported shell syntax"):
        extract_commands("```sh\nslmap stats | head\n```\n", "y.md")


# --- links -------------------------------------------------------------------------------
