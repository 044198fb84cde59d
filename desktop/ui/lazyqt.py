"""``Qt``, Qt's namespace of enums, built when it is first used; and the few of its values the
window's first paint needs, as plain numbers.

PySide6 builds the Python enums of the whole namespace (95 of them: ``Qt.Key`` alone has 471
members) the first time anything converts a value of one of them: 45-60 ms here, a third of
what the window's start costs beyond a bare PySide6 window. So the modules on the start path
import ``Qt`` from here, and the code that runs before the first paint touches none of it:
item roles and alignments are the numbers below (Qt's own values, fixed by its binary
compatibility; ``tests/gui/test_startup.py`` checks them against the enums and that a start
paints without building the namespace); Qt's defaults stand where they suffice; the toolbar's
icons are SVG, not QPainter pens and brushes; the tree greys rows by colour, not ``flags()``;
labels and lists that need a ``Qt`` setting get it with their first text or event; and the OS
colour scheme the "system" theme follows is the one remembered from the last start, asked
again after the paint (``MainWindow.check_system_scheme``). The first start of all asks at once,
and so does a start with an explicit light or dark theme, which tells Qt's style the scheme.

Modules that load only after the first paint (gallery, export, notes, PDF) import ``Qt`` from
PySide6 directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:

    class _Namespace:
        """Stands in for ``Qt``: each enum is looked up in the real namespace once, then kept."""

        def __getattr__(self, name: str) -> Any:
            from PySide6 import QtCore

            value = getattr(QtCore.Qt, name)
            setattr(self, name, value)
            return value

    Qt = _Namespace()

__all__ = ["Qt"]

# Qt::ItemDataRole
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
FONT_ROLE = 6
TEXT_ALIGNMENT_ROLE = 7
FOREGROUND_ROLE = 9
ACCESSIBLE_TEXT_ROLE = 11
USER_ROLE = 256

# Qt::ItemFlag
NO_ITEM_FLAGS = 0x0
ITEM_IS_SELECTABLE = 0x1
ITEM_IS_ENABLED = 0x20
ITEM_NEVER_HAS_CHILDREN = 0x80

# Qt::AlignmentFlag: AlignRight | AlignVCenter, the alignment of counts and dates.
ALIGN_RIGHT_VCENTER = 0x2 | 0x80
