"""Every QAction of the main window, built once, with standard shortcuts where Qt has them.

``Actions`` only creates and labels the actions (and their theme group); the main window
builds menus and toolbars from them and connects them in ``_connect_signals()``. No slots here.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QWidget

StandardKey = QKeySequence.StandardKey
Shortcut = StandardKey | str | tuple[StandardKey | str, ...] | None

STAR_FILL = "#e8a317"
STAR_OUTLINE = "#8a8a8a"
GLYPH = "#858585"
"""The toolbar's arrows and export page: a mid grey that reads on light and dark bars."""
ICON_SIZES = (16, 18, 24, 32)

# The toolbar's icons are drawn as SVG, in pixels of each size, and rasterised by Qt's SVG
# image plugin. Not with QPainter: its pen and brush calls take ``Qt`` enums among their
# overloads, and the first such call makes PySide6 build the whole ``Qt`` namespace before
# the window's first paint (``lazyqt.py``). Strokes join and end as QPainter's default pen did.
_STROKE = 'fill="none" stroke-linejoin="bevel" stroke-linecap="square"'


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.3f},{y:.3f}" for x, y in points)


def _pixmap(size: int, shapes: str) -> QPixmap:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
           f'viewBox="0 0 {size} {size}">{shapes}</svg>')
    pixmap = QPixmap()
    pixmap.loadFromData(svg.encode("ascii"), "SVG")
    return pixmap


def _star_pixmap(size: int, filled: bool) -> QPixmap:
    """A five-pointed star: amber when filled (bookmarked), a grey outline when not."""
    centre, outer, inner = size / 2, size / 2 - 1.5, size / 5
    points = []
    for k in range(10):
        radius, angle = (outer if k % 2 == 0 else inner), k * math.pi / 5
        points.append((centre + radius * math.sin(angle),
                       centre + 0.6 - radius * math.cos(angle)))
    fill = STAR_FILL if filled else "none"
    outline = STAR_FILL if filled else STAR_OUTLINE
    return _pixmap(size, f'<polygon points="{_points(points)}" fill="{fill}" '
                         f'stroke="{outline}" stroke-width="1.4" stroke-linejoin="bevel"/>')


def _arrow_pixmap(size: int, forward: bool) -> QPixmap:
    """A solid triangle pointing left (back) or right (forward)."""
    centre, half_height, half_width = size / 2, size * 0.36, size * 0.27
    tip, base = (centre + half_width, centre - half_width) if forward else (
        centre - half_width, centre + half_width)
    triangle = [(tip, centre), (base, centre - half_height), (base, centre + half_height)]
    return _pixmap(size, f'<polygon points="{_points(triangle)}" fill="{GLYPH}"/>')


def _export_pixmap(size: int) -> QPixmap:
    """A page with a folded corner and an arrow down into it: save the article as a file."""
    s, width = size, max(1.2, size / 14)
    left, right, top, bottom, fold = 0.2 * s, 0.8 * s, 0.08 * s, 0.92 * s, 0.22 * s
    page = [
        (right - fold, top), (left, top), (left, bottom), (right, bottom), (right, top + fold),
        (right - fold, top), (right - fold, top + fold), (right, top + fold),
    ]
    centre = s / 2
    head = [(centre, 0.8 * s), (centre - 0.15 * s, 0.6 * s), (centre + 0.15 * s, 0.6 * s)]
    stroke = f'{_STROKE} stroke="{GLYPH}" stroke-width="{width:.3f}"'
    return _pixmap(size, (
        f'<polyline points="{_points(page)}" {stroke}/>'
        f'<line x1="{centre}" y1="{0.34 * s:.3f}" x2="{centre}" y2="{0.72 * s:.3f}" {stroke}/>'
        f'<polygon points="{_points(head)}" fill="{GLYPH}"/>'
    ))


def _icon(draw: Callable[[int], QPixmap]) -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(draw(size))
    return icon


def back_icon() -> QIcon:
    return _icon(lambda size: _arrow_pixmap(size, forward=False))


def forward_icon() -> QIcon:
    return _icon(lambda size: _arrow_pixmap(size, forward=True))


def export_icon() -> QIcon:
    return _icon(_export_pixmap)


def star_icon() -> QIcon:
    """The bookmark star: an outline, filled when the action is checked."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(_star_pixmap(size, False), QIcon.Mode.Normal, QIcon.State.Off)
        icon.addPixmap(_star_pixmap(size, True), QIcon.Mode.Normal, QIcon.State.On)
    return icon


class Actions:
    """The window's actions, as attributes; ``all()`` lists them for the shortcuts dialog."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self._all: list[QAction] = []
        # The toolbar's icons are drawn here rather than taken from the style: asking the
        # style (QStyle) for its standard icons costs the first paint ~15 ms of PySide6 enum
        # set-up, and drawn icons look the same on every platform, like the bookmark star.
        # File
        self.open_archive = self._make("&Open archive…", StandardKey.Open)
        self.import_seeds = self._make("&Import seeds…", "Ctrl+I")
        self.export_pdf = self._make(
            "&Export PDF…", "Ctrl+E", export_icon()
        )
        self.export_results_pdf = self._make("Export search &results as PDF…", None)
        self.quit = self._make("&Quit", (StandardKey.Quit, "Ctrl+Q"))
        # Edit
        self.copy = self._make("&Copy", StandardKey.Copy)
        self.copy_citation = self._make("Copy ci&tation", "Ctrl+Shift+C")
        self.find = self._make("&Find in article…", StandardKey.Find)
        self.find_next = self._make("Find &next", StandardKey.FindNext)
        self.find_previous = self._make("Find pre&vious", StandardKey.FindPrevious)
        # View
        self.zoom_in = self._make("Zoom &in", StandardKey.ZoomIn)
        self.zoom_out = self._make("Zoom &out", StandardKey.ZoomOut)
        self.zoom_reset = self._make("&Actual size", "Ctrl+0")
        self.theme_system = self._make("&System theme", None, checkable=True)
        self.theme_light = self._make("&Light theme", None, checkable=True)
        self.theme_dark = self._make("&Dark theme", None, checkable=True)
        self.theme_group = QActionGroup(parent)
        for action in (self.theme_system, self.theme_light, self.theme_dark):
            self.theme_group.addAction(action)
        self.theme_system.setChecked(True)
        self.show_furniture = self._make("Show page &furniture", None, checkable=True)
        self.notes = self._make("&Notes", "Ctrl+Shift+N", checkable=True)
        self.view_reader = self._make("&Reader", "Ctrl+1")
        self.view_gallery = self._make("&Gallery", "Ctrl+2")
        # Go
        self.back = self._make(
            "&Back", StandardKey.Back, back_icon()
        )
        self.forward = self._make(
            "&Forward", StandardKey.Forward, forward_icon()
        )
        self.bookmark = self._make("&Bookmark this article", "Ctrl+D", star_icon(),
                                   checkable=True)
        self.search = self._make("&Search the archive", "Ctrl+K")
        self.save_search = self._make("Sa&ve search…", "Ctrl+Shift+S")
        # Help
        self.shortcuts = self._make("&Keyboard shortcuts", StandardKey.HelpContents)
        self.about = self._make("&About Broadsheet", None)
        self.back.setEnabled(False)
        self.forward.setEnabled(False)
        self.bookmark.setEnabled(False)
        self.save_search.setEnabled(False)
        self.export_results_pdf.setEnabled(False)

    def _make(
        self,
        text: str,
        shortcut: Shortcut,
        icon: QIcon | None = None,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self._parent)
        if icon is not None:
            action.setIcon(icon)
        action.setShortcuts(_key_sequences(shortcut))
        action.setCheckable(checkable)
        tip = text.replace("&", "").rstrip("…")
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        self._parent.addAction(action)
        self._all.append(action)
        return action

    def all(self) -> list[QAction]:
        """Every action, in menu order."""
        return list(self._all)


def _key_sequences(shortcut: Shortcut) -> list[QKeySequence]:
    """Key sequences for ``shortcut``, without duplicates or empty ones."""
    if shortcut is None:
        return []
    items = shortcut if isinstance(shortcut, tuple) else (shortcut,)
    sequences: list[QKeySequence] = []
    for item in items:
        if isinstance(item, StandardKey):
            found = QKeySequence.keyBindings(item)
        else:
            found = [QKeySequence(item)]
        sequences += [s for s in found if not s.isEmpty() and s not in sequences]
    return sequences
