"""Command lines of the docs' fenced shell blocks: which run, which are exempt and why."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

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


def fences(lines: list[str]) -> Iterator[tuple[int, str, list[str]]]:
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
    for start, language, body in fences(markdown.splitlines()):
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
