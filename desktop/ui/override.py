"""``@override`` for Qt method overrides at run time, without importing typing_extensions.

typing_extensions takes about 8 ms to import, on the window's start path, and at run time
``override`` only marks a method (``__override__``). Type checkers and ruff see
typing_extensions' decorator: each module imports this one only when not type checking.
No Qt imports.
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
