"""The outputs of a running command: its inputs from the options, one output set.

:func:`check_outputs` starts the set (every input the options name, and
``--rejects``) before any data is loaded; commands add their outputs to
:func:`command_outputs` and write to its staging paths; the shared model
options commit the set when the command returns, or discard it on an error
(:mod:`slmap.base.outputs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = [
    "INPUT_OPTIONS",
    "check_outputs",
    "command_inputs",
    "command_outputs",
    "implicit_inputs",
    "write_rejects",
]


def write_rejects(model, given: Path | None) -> None:
    """Write ``--keep-going``'s rejected rows with the command's other outputs.

    The default file (beside the register) is rebuilt on every run; a
    ``--rejects`` path was checked with the other outputs before work.
    """
    from slmap.base import atomic
    from slmap.base.outputs import OutputSet

    target = given or atomic.default_rejects_path(model)
    rebuilt = given is None  # the default file is rebuilt, like the default map
    outs = command_outputs()
    if outs is None:  # called outside a command: a write of its own
        outs = OutputSet(overwrite=rebuilt)
        outs.add(target)
        outs.check()
        atomic.write_rejects(model.rejects, outs.stage(target))
        outs.commit()
    else:
        outs.add(target, overwrite=True if rebuilt else None)
        atomic.write_rejects(model.rejects, outs.stage(target))
    click.echo(
        f"rejected {len(model.rejects)} of {model.read_count} rows "
        f"(loaded {len(model.villages)}); rejects written to {target}"
        + (" (the default rejects file is rebuilt on every run)" if rebuilt else ""),
        err=True,
    )


#: Options naming files a command reads: never an output of the same command.
INPUT_OPTIONS = (
    "boundaries",
    "register",
    "statistics",
    "sites",
    "prediction",
    "plan",
    "before",
    "after",
    "dem",
    "candidates",
)


def command_inputs(params: dict[str, Any]) -> list[Path]:
    """Every input path named by the options (a plan brings its ``NAME.villages.csv``).

    Examples
    --------
    >>> [p.name for p in command_inputs({"register": Path("r.csv"), "dem": (Path("t.tif"),),
    ...                                  "candidates": "auto", "plan": Path("p.csv")})]
    ['r.csv', 'p.csv', 'p.villages.csv', 't.tif']
    """
    found: list[Path] = []
    for name in INPUT_OPTIONS:
        value = params.get(name)
        values = value if isinstance(value, (tuple, list)) else (value,)
        for item in values:
            if item is None or str(item) in ("auto", "sample"):
                continue
            found.append(Path(item))
            if name == "plan":
                found.append(Path(item).with_name(Path(item).stem + ".villages.csv"))
    return found


def implicit_inputs() -> list[Path]:
    """Files a command may read without an option naming them, never to be replaced.

    The embedded sample registers (read when no ``--register`` is given) and
    the pinned boundary files found in ``SLMAP_DATA_DIR`` or the cache.

    Examples
    --------
    >>> names = {p.name for p in implicit_inputs()}
    >>> {"son_la_villages_2021-12-31.csv", "son_la_villages_2022-12-31.csv"} <= names
    True
    """
    from slmap.base.errors import SlmapError
    from slmap.sources import SAMPLE_DATES, find_pinned, sample_register_path

    found = [sample_register_path(date) for date in SAMPLE_DATES]
    for key in ("communes", "districts"):
        try:
            pinned = find_pinned(key)
        except SlmapError:  # a bad SLMAP_DATA_DIR: the command itself says what is wrong
            pinned = None
        if pinned is not None:
            found.append(Path(pinned))
    return found


def command_outputs():
    """The :class:`~slmap.base.outputs.OutputSet` of the running command, if any.

    Commands declare their outputs in it before work starts and write to
    :meth:`~slmap.base.outputs.OutputSet.stage`; the shared options commit
    them all together when the command returns, or discard them on an error.
    """
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get("slmap.outputs")


def check_outputs(params: dict[str, Any]):
    """Start the command's outputs: inputs from the options, ``--rejects``; checked at once.

    Refuses, before any data is loaded, an output that is an input and an
    existing output without ``--overwrite``; removes temporaries a killed run
    left. Returns the :class:`~slmap.base.outputs.OutputSet` the command adds
    its outputs to (also found with :func:`command_outputs`).
    """
    from slmap.base.outputs import OutputSet

    inputs = [*command_inputs(params), *implicit_inputs()]
    outs = OutputSet(inputs, overwrite=bool(params.get("overwrite")))
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta["slmap.outputs"] = outs
    if params.get("rejects") is not None and params.get("keep_going"):
        outs.add(params["rejects"])
    outs.check()
    return outs
