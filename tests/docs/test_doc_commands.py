"""The commands in the README and the quick starts run as written; the docs' links resolve.

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

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

import slmap

REPO = Path(__file__).resolve().parents[2]

#: Documents whose shell blocks are run, each in a folder of its own.
DOCUMENTS: tuple[str, ...] = ("README.md", "docs/README.md", "docs/vi/README.md")

#: Fewest commands each document must run: a parser that stops finding them fails.
MIN_COMMANDS: Mapping[str, int] = {
    "README.md": 14,
    "docs/README.md": 20,
    "docs/vi/README.md": 12,
}

#: Languages of the fenced blocks whose lines are commands.
SHELL_LANGUAGES = frozenset({"bash", "sh", "console", "shell"})

#: Programs whose command lines are run.
PROGRAMS = frozenset({"slmap", "python", "python3"})

#: Sample register the fixture copies as the planner's own ``villages.csv``/``.xlsx``.
SAMPLE_REGISTER = Path("geodata/sample/son_la_villages_2022-12-31.csv")

#: The README's two set-up commands, which must stay as they are.
TWO_COMMANDS = ("python3 -m pip install -e . && slmap map", "bash scripts/test.sh")

#: The README is a front door: at most this many bytes.
README_MAX_BYTES = 12_288

#: Seconds one documented command may take.
COMMAND_TIMEOUT = 600

#: Lines of stdout and stderr shown for a failing command.
TAIL_LINES = 25

_OPERATOR = re.compile(r"^[|&;<>()]+$")


@dataclass(frozen=True)
class Exempt:
    """A documented command that this test does not run.

    Attributes
    ----------
    prefix : tuple of str
        The command's first words; a command whose words start with them
        is exempt (``("slmap", "fetch")`` does not match ``slmap fetch-dem``).
    reason : str
        Why it cannot run here.
    """

    prefix: tuple[str, ...]
    reason: str

    def matches(self, argv: tuple[str, ...]) -> bool:
        """Whether ``argv`` starts with this entry's words.

        Examples
        --------
        >>> Exempt(("slmap", "fetch"), "network").matches(("slmap", "fetch-dem"))
        False
        """
        return argv[: len(self.prefix)] == self.prefix


#: Commands shown in the docs but not run here, each with its reason.
EXEMPT: tuple[Exempt, ...] = (
    Exempt(("python3", "-m", "pip", "install"), "installs software"),
    Exempt(
        ("bash", "scripts/test.sh"),
        "runs the whole test suite (this test included) and installs system packages",
    ),
    Exempt(("slmap", "fetch"), "downloads the pinned boundary files: needs the network"),
    Exempt(("slmap", "fetch-dem"), "downloads terrain tiles: needs the network"),
)


@dataclass(frozen=True)
class Command:
    """One command line of a document.

    Attributes
    ----------
    document : str
        Path of the document, relative to the repository.
    line : int
        Line of the document where the command starts (1-based).
    argv : tuple of str
        The command's words, comments and quotes removed.
    """

    document: str
    line: int
    argv: tuple[str, ...]

    @property
    def text(self) -> str:
        """The command as one shell line."""
        return shlex.join(self.argv)

    @property
    def where(self) -> str:
        """``document:line`` of the command."""
        return f"{self.document}:{self.line}"


def strip_comment(line: str) -> str:
    """Remove a shell comment: a ``#`` at the start of a word, outside quotes.

    Examples
    --------
    >>> strip_comment('slmap map --out "a # b.html"  # the map')
    'slmap map --out "a # b.html"  '
    >>> strip_comment("slmap query --commune a#b")
    'slmap query --commune a#b'
    """
    quote = ""
    escaped = False
    for i, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def split_commands(text: str) -> list[tuple[str, ...]]:
    """Split one logical shell line into its commands joined by ``&&``.

    Raises
    ------
    ValueError
        On shell syntax a documented command should not need (pipes,
        redirections, ``;``, ``||``, background jobs, subshells).

    Examples
    --------
    >>> split_commands("python3 -m pip install -e . && slmap map")
    [('python3', '-m', 'pip', 'install', '-e', '.'), ('slmap', 'map')]
    >>> split_commands('slmap query uncovered --commune "sop cop"')
    [('slmap', 'query', 'uncovered', '--commune', 'sop cop')]
    """
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    commands: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in lexer:
        if token == "&&":
            commands.append(tuple(current))
            current = []
        elif _OPERATOR.match(token):
            raise ValueError(f"unsupported shell syntax {token!r} in: {text}")
        else:
            current.append(token)
    commands.append(tuple(current))
    if any(not command for command in commands[:-1]) or (len(commands) > 1 and not current):
        raise ValueError(f"'&&' without a command on both sides in: {text}")
    return [command for command in commands if command]


def _fences(lines: list[str]) -> Iterator[tuple[int, str, list[str]]]:
    """Yield ``(first line number, language, lines)`` of each fenced block."""
    opening = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)")
    index = 0
    while index < len(lines):
        match = opening.match(lines[index])
        if not match:
            index += 1
            continue
        fence, language = match.group(1), match.group(2).lower()
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        body: list[str] = []
        index += 1
        start = index + 1
        while index < len(lines) and not closing.match(lines[index]):
            body.append(lines[index])
            index += 1
        index += 1
        yield start, language, body


def extract_commands(markdown: str, document: str) -> list[Command]:
    """Every command of the fenced shell blocks of a Markdown text, in order.

    Comment lines and trailing comments are dropped, lines ending in ``\\``
    are joined to the next, and ``a && b`` gives two commands. In a
    ``console`` block only lines starting with ``$ `` are commands (the others
    are output).

    Examples
    --------
    >>> text = "```bash\\nslmap map \\\\\\n    --lang en  # English\\n```\\n"
    >>> [c.argv for c in extract_commands(text, "x.md")]
    [('slmap', 'map', '--lang', 'en')]
    """
    found: list[Command] = []
    for start, language, body in _fences(markdown.splitlines()):
        if language not in SHELL_LANGUAGES:
            continue
        logical: list[tuple[int, str]] = []
        pending: tuple[int, str] | None = None
        for offset, raw in enumerate(body):
            number = start + offset
            if pending is None:
                if language == "console":
                    if not raw.lstrip().startswith("$ "):
                        continue
                    raw = raw.lstrip()[2:]
                pending = (number, "")
            text = pending[1] + strip_comment(raw).rstrip()
            if text.endswith("\\"):
                pending = (pending[0], text[:-1] + " ")
                continue
            logical.append((pending[0], text))
            pending = None
        if pending is not None:
            raise ValueError(f"{document}:{pending[0]}: a line continues past the block's end")
        for number, text in logical:
            try:
                parts = split_commands(text)
            except ValueError as error:
                raise ValueError(f"{document}:{number}: {error}") from None
            found.extend(Command(document, number, argv) for argv in parts)
    return found


def document_commands(document: str) -> list[Command]:
    """The commands of a document of the repository."""
    return extract_commands((REPO / document).read_text(encoding="utf-8"), document)


def exemption(command: Command) -> Exempt | None:
    """The :data:`EXEMPT` entry of ``command``, if any."""
    return next((entry for entry in EXEMPT if entry.matches(command.argv)), None)


def runnable(commands: Iterable[Command]) -> list[Command]:
    """The commands to run: those not exempt."""
    return [command for command in commands if exemption(command) is None]


def _argv(command: Command) -> list[str]:
    """The command line to start: slmap and Python through this interpreter."""
    program, *arguments = command.argv
    if program == "slmap":
        return [sys.executable, "-m", "slmap", *arguments]
    if program in ("python", "python3"):
        return [sys.executable, *arguments]
    raise ValueError(f"{command.where}: {program!r} is neither run nor exempt: {command.text}")


def _tail(text: str, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of ``text``, indented."""
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept) or "    (empty)"


@dataclass(frozen=True)
class Outcome:
    """What running one command gave.

    Attributes
    ----------
    command : Command
        The command.
    returncode : int or None
        Its exit code (None when it timed out).
    stdout, stderr : str
        What it printed.
    seconds : float
        Wall time.
    """

    command: Command
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the command exited 0."""
        return self.returncode == 0

    def report(self) -> str:
        """A failure report: where, what, exit code, the tails of stdout and stderr."""
        status = "timed out" if self.returncode is None else f"exit {self.returncode}"
        return (
            f"{self.command.where}: {self.command.text}\n  -> {status} after "
            f"{self.seconds:.1f} s\n  stdout (tail):\n{_tail(self.stdout)}\n"
            f"  stderr (tail):\n{_tail(self.stderr)}"
        )


def run_commands(commands: Iterable[Command], cwd: Path, env: Mapping[str, str]) -> list[Outcome]:
    """Run ``commands`` one after the other in ``cwd``; go on after a failure.

    Parameters
    ----------
    commands : iterable of Command
        Commands to run, in order (a later one may read what an earlier one wrote).
    cwd : Path
        Working folder.
    env : mapping
        Environment of every command.

    Returns
    -------
    list of Outcome
        One per command, in order.
    """
    outcomes = []
    for command in commands:
        began = time.perf_counter()
        try:
            done = subprocess.run(
                _argv(command),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=COMMAND_TIMEOUT,
                check=False,
            )
            returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as expired:
            returncode = None
            stdout = _text(expired.stdout)
            stderr = _text(expired.stderr)
        seconds = time.perf_counter() - began
        outcomes.append(Outcome(command, returncode, stdout, stderr, seconds))
    return outcomes


def _text(output: str | bytes | None) -> str:
    """Output of a timed-out process as text."""
    if isinstance(output, bytes):
        return output.decode("utf-8", errors="replace")
    return output or ""


def command_env(cache: Path) -> dict[str, str]:
    """The caller's environment, with this run's slmap first and the given model cache.

    ``SLMAP_DATA_DIR`` and everything else pass through unchanged.
    """
    env = dict(os.environ)
    source = str(Path(slmap.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        [source, *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    )
    env["SLMAP_CACHE_DIR"] = str(cache)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``folder``."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


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
    before = _snapshot(REPO / "geodata")

    outcomes = run_commands(commands, doc_folder, command_env(model_cache))

    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        pytest.fail(
            f"{len(failed)} of {len(outcomes)} commands of {document} failed "
            f"(run in {doc_folder}):\n\n" + "\n\n".join(outcome.report() for outcome in failed),
            pytrace=False,
        )
    assert _snapshot(REPO / "geodata") == before, "a documented command wrote into geodata/"


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

_INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _prose(markdown: str) -> str:
    """Markdown without its fenced blocks and inline code."""
    lines = markdown.splitlines()
    fenced = {
        number
        for start, _, body in _fences(lines)
        for number in range(start - 1, start + len(body) + 1)
    }
    kept = "\n".join(line for number, line in enumerate(lines, start=1) if number not in fenced)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", kept)


def heading_anchors(markdown: str) -> set[str]:
    """The anchors a code forge gives the headings of a Markdown text.

    Lower case, punctuation dropped (letters of any script, digits, ``_``,
    ``-`` and spaces kept), spaces as ``-``; repeated headings get ``-1``,
    ``-2``...

    Examples
    --------
    >>> text = "# Hướng dẫn nhanh\\n## Radio sites (`--sites`)\\n## Notes\\n## Notes"
    >>> sorted(heading_anchors(text))
    ['hướng-dẫn-nhanh', 'notes', 'notes-1', 'radio-sites---sites']
    """
    lines = markdown.splitlines()
    fenced = {
        number
        for start, _, body in _fences(lines)
        for number in range(start - 1, start + len(body) + 1)
    }
    anchors: set[str] = set()
    for number, line in enumerate(lines, start=1):
        match = _HEADING.match(line)
        if number in fenced or not match:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1)).lower()
        base = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        anchor, count = base, 0
        while anchor in anchors:
            count += 1
            anchor = f"{base}-{count}"
        anchors.add(anchor)
    return anchors


def relative_links(markdown: str) -> list[str]:
    """Link targets of a Markdown text that point into the repository.

    Examples
    --------
    >>> relative_links("[a](docs/a.md#x) [b](https://e.org) `[c](no.md)` [d](#top)")
    ['docs/a.md#x', '#top']
    """
    prose = _prose(markdown)
    targets = _INLINE_LINK.findall(prose) + _REFERENCE.findall(prose)
    return [target for target in targets if target and not _SCHEME.match(target)]


def _markdown_files() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def test_relative_links_resolve() -> None:
    """Every relative link of README.md and docs/ names an existing file (and heading)."""
    problems = []
    for page in _markdown_files():
        name = page.relative_to(REPO)
        for target in relative_links(page.read_text(encoding="utf-8")):
            path, _, fragment = target.partition("#")
            resolved = (page.parent / unquote(path)).resolve() if path else page
            if not resolved.is_relative_to(REPO):
                problems.append(f"{name}: {target} points outside the repository")
            elif not resolved.exists():
                problems.append(f"{name}: {target} does not exist")
            elif fragment and resolved.suffix == ".md":
                anchors = heading_anchors(resolved.read_text(encoding="utf-8"))
                if unquote(fragment) not in anchors:
                    problems.append(f"{name}: {target}: no heading with that anchor")
    assert not problems, "\n".join(problems)
