"""The single error tree of slmap.

Every error slmap raises on purpose derives from :class:`SlmapError`. Errors
caused by bad input derive from :class:`InputError`, which is also a
:class:`ValueError`; problems writing output derive from :class:`ExportError`,
which is also an :class:`OSError`. The CLI turns any :class:`SlmapError` into
one line per problem and a non-zero exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "BoundariesNotFoundError",
    "DownloadError",
    "ExportError",
    "InputError",
    "Problem",
    "SlmapError",
    "ValidationError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input.

    Parameters
    ----------
    source : str
        The file (or logical source) where the problem was found.
    message : str
        What was found and what was expected.
    row : int or None
        1-based data row number as a spreadsheet user counts it (header is
        row 1, first data row is row 2), or the feature number for GIS files.
    column : str or None
        Column (field) name, as written in the file.
    severity : {"error", "warning"}
        Errors make a row unusable; warnings report a repair or an oddity.
    kind : str
        Short machine-readable category, e.g. ``"unknown_code"``.

    Examples
    --------
    >>> p = Problem("villages.csv", "expected an integer >= 0, found '-3'", row=4,
    ...             column="households")
    >>> str(p)
    "villages.csv: row 4, column 'households': expected an integer >= 0, found '-3'"
    """

    source: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"
    kind: str = "invalid"
    feature: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.feature is not None:
            where.append(f"feature {self.feature}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        loc = ", ".join(where)
        return f"{self.source}: {loc + ': ' if loc else ''}{self.message}"


class SlmapError(Exception):
    """Base class of every error slmap raises on purpose."""


class InputError(SlmapError, ValueError):
    """Bad input: names the file, row or feature, column, found and expected.

    Parameters
    ----------
    message : str
        Summary message (one line).
    problems : iterable of Problem, optional
        Every problem found; the CLI prints one line per problem.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message)

    def lines(self) -> list[str]:
        """Return one line per problem (or the message when there are none)."""
        if not self.problems:
            return [str(self)]
        return [str(p) for p in self.problems]


class ValidationError(InputError):
    """Validation found one or more errors; ``problems`` holds all of them."""


class BoundariesNotFoundError(SlmapError, FileNotFoundError):
    """No boundary source could be found (file, data folder or download)."""


class DownloadError(SlmapError, OSError):
    """A pinned download failed or its checksum did not match."""


class ExportError(SlmapError, OSError):
    """An output could not be written (exists, permission, disk full...)."""
