"""Package faces whose names load on first use.

A face (a package's ``__init__.py``) lists what other packages use; importing
the package must stay cheap, so a name is imported from its module only when
it is first looked up (PEP 562), the way ``slmap`` itself does it.

Examples
--------
>>> getattr_, dir_, all_ = attach("slmap.base", {"InputError": "errors"})
>>> all_
['InputError']
>>> getattr_("InputError").__name__
'InputError'
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

__all__ = ["attach"]


def attach(
    package: str, names: dict[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` of a face.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict
        Public name -> module that defines it, relative to ``package``
        (``"errors"``) or absolute (``"slmap.base.errors"``).

    Returns
    -------
    tuple
        ``(__getattr__, __dir__, __all__)`` to assign at the face's top level.
    """
    public = sorted(names)

    def __getattr__(name: str) -> object:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        where = module if module.startswith("slmap.") else f"{package}.{module}"
        return getattr(import_module(where), name)

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public
