"""``@override`` for Qt method overrides, as ``typing.override`` (Python 3.12) does it.

On Python 3.11 it would come from typing_extensions, which takes about 8 ms to import on the
window's start path, for a decorator that only sets ``__override__``. Ruff knows this one
as typing's (``typing-modules`` in pyproject.toml), so overridden Qt methods keep their
camelCase names. No Qt imports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

_Method = TypeVar("_Method", bound=Callable[..., object])


def override(method: _Method, /) -> _Method:
    """Mark ``method`` as overriding its base class's method, as typing_extensions does."""
    try:
        method.__override__ = True  # type: ignore[attr-defined]
    except (AttributeError, TypeError):
        pass
    return method
