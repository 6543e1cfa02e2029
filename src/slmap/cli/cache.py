"""``slmap cache info`` and ``slmap cache clear``: the model cache on disk."""

from __future__ import annotations

import time

import click

from slmap.cli.group import cli

__all__ = ["cache_group", "clear_command", "info_command"]


def _size(n: int) -> str:
    """Bytes in a readable unit.

    Examples
    --------
    >>> _size(999), _size(1_500_000)
    ('999 B', '1.5 MB')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


@cli.group("cache")
def cache_group() -> None:
    """The model cache: validated models and approximate communes kept between commands.

    Kept in the user cache folder (SLMAP_CACHE_DIR, else ~/.cache/slmap), beside the
    boundary files `slmap fetch` downloads. Any command given --no-cache neither reads nor
    writes it.
    """


@cache_group.command("info")
def info_command() -> None:
    """Where the cache is, its entries, their sizes and what each is for."""
    from slmap.sources import PINNED, cache, cache_dir

    root = cache_dir()
    found = cache.entries()
    click.echo(f"cache folder: {root}")
    click.echo(f"size cap: {_size(cache.size_cap())} (least recently used entries go first)")
    for kind, what in cache.KINDS.items():
        mine = [e for e in found if e.kind == kind]
        total = sum(e.size for e in mine)
        click.echo(
            f"{kind}/: {len(mine)} entr{'y' if len(mine) == 1 else 'ies'}, {_size(total)} ({what})"
        )
        for entry in mine:
            used = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.last_used))
            click.echo(
                f"  {entry.path.name[:16]}  {_size(entry.size):>9}  used {used}  {entry.about}"
            )
    downloads = [root / p.filename for p in PINNED.values() if (root / p.filename).is_file()]
    click.echo(
        f"downloaded boundary files: {len(downloads)}, "
        f"{_size(sum(p.stat().st_size for p in downloads))} "
        "(kept by `slmap cache clear`, removed by `slmap cache clear --all`)"
    )
    for path in downloads:
        click.echo(f"  {path.name}  {_size(path.stat().st_size)}")


@cache_group.command("clear")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also remove the downloaded boundary files (`slmap fetch` gets them again).",
)
def clear_command(everything: bool) -> None:
    """Remove the cached models and approximate communes (the downloads stay unless --all)."""
    from slmap.sources import cache, cache_dir

    removed = cache.clear(everything=everything)
    freed = sum(size for _, size in removed)
    click.echo(f"removed {len(removed)} file(s), {_size(freed)}, from {cache_dir()}")
