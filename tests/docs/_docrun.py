"""Running documented commands as ``python -m slmap`` and reporting a failure with its output."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from _docparse import COMMAND_TIMEOUT, TAIL_LINES, Command

import slmap


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


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``folder``."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
