"""Progress bars for long reads, shown only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

__all__ = ["progress_steps", "show_progress"]


def show_progress() -> bool:
    """Tell whether progress bars should be drawn (stderr is a terminal).

    Examples
    --------
    >>> isinstance(show_progress(), bool)
    True
    """
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def progress_steps(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n=1)``; draw a transient rich bar on a terminal only.

    Parameters
    ----------
    total : int
        Number of steps.
    description : str
        Text shown before the bar.

    Examples
    --------
    >>> with progress_steps(2, "checking") as advance:
    ...     advance()
    ...     advance()
    """
    if not show_progress() or total <= 0:
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    console = Console(file=sys.stderr, force_terminal=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)
