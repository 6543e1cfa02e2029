"""Shared builders of the hostile-register cases and the check every case passes.

A case writes its input into a fresh folder and names it with ``--register``;
:func:`check_register_case` runs ``slmap stats`` on it with the corpus
boundaries and checks the one-line answer, that the inputs are untouched,
that read = loaded + rejected, and the values loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._build import (
    Case,
    assert_loaded_values,
    counts,
    cp1258_bytes,
    csv_text,
    fingerprint,
    register,
    run,
)

#: The base register as CSV text.
BASE = csv_text(register())


def csv_file(name: str, text: str, encoding: str = "utf-8", args: tuple[str, ...] = ()):
    """A case's build: ``text`` written as ``name`` in ``encoding``, then ``args``."""

    def build(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding))
        return ["--register", str(path), *args]

    return build


def bytes_file(name: str, data: bytes, args: tuple[str, ...] = ()):
    """A case's build: ``data`` written as ``name``, then ``args``."""

    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(data)
        return ["--register", str(folder / name), *args]

    return build


def check_register_case(case: Case, tmp_path: Path, corpus_boundaries: Path) -> None:
    """Run one case and check its answer, its inputs and what it loaded."""
    folder = tmp_path / "in"
    folder.mkdir()
    args = [*case.build(folder), "--boundaries", str(corpus_boundaries)]
    before = fingerprint([folder, corpus_boundaries])
    out = run(args)
    assert out.exit_code == case.exit_code, out.stderr + out.stdout
    for pattern in case.expect:
        assert re.search(pattern, out.stderr + out.stdout), (pattern, out.stderr, out.stdout)
    for line in out.stderr.splitlines():
        assert re.match(r"(error|warning|rejected \d+ of|layout:)", line), line
    assert "Traceback" not in out.stderr
    after = fingerprint([folder, corpus_boundaries])
    assert {k: v for k, v in after.items() if k in before} == before  # inputs untouched
    if out.exit_code == 0 or "rows read" in out.stdout:
        read, loaded, rejected = counts(out.stdout)
        assert read == loaded + rejected
    if case.check:
        case.check(folder)
    if out.exit_code == 0:
        assert_loaded_values(args, case)
