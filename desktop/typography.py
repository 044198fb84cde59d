"""How an article looks: its faces, sizes, measure and colour palettes.

Shared by the renderer (``render.py``), the reader and the PDF. Kept apart from the renderer so
that the reader, which needs only these numbers to lay out its first (empty) page, does not
load the renderer before the window's first paint. No imports beyond ``typing``; no Qt.
"""

from __future__ import annotations

from typing import NamedTuple

#: Serif body faces, first found wins: Georgia (Windows, macOS), DejaVu Serif (Linux),
#: Times New Roman as a last named resort. ``textdoc`` sets the same list as the default font.
BODY_FONT_FAMILIES: tuple[str, ...] = ("Georgia", "DejaVu Serif", "Times New Roman", "serif")
#: Sans faces for the meta line, captions' numbers and page furniture.
UI_FONT_FAMILIES: tuple[str, ...] = ("Segoe UI", "Helvetica Neue", "DejaVu Sans", "Arial",
                                     "sans-serif")
#: Body text size in points (the reader scales it with zoom; the PDF uses it as is).
BODY_POINT_SIZE = 11.5
#: A comfortable measure: the reader keeps its text column about this many ems wide
#: (roughly 65-75 characters of the body face per line).
READING_WIDTH_EM = 34
#: Line spacing of body text, in percent of the font's line height.
LINE_HEIGHT_PERCENT = 150


class Palette(NamedTuple):
    """The colours of one theme (``#RRGGBB``)."""

    text: str
    background: str
    muted: str
    link: str
    rule: str
    box: str
    highlight: str
    highlight_text: str


PALETTES: dict[str, Palette] = {
    "light": Palette(text="#1d1d1b", background="#fbfaf6", muted="#6b6862", link="#1f4e8c",
                     rule="#d9d5cc", box="#f1eee6", highlight="#ffe58a",
                     highlight_text="#1d1d1b"),
    "dark": Palette(text="#e4e0d8", background="#1b1c1e", muted="#9c978e", link="#8fb6ea",
                    rule="#3a3b3e", box="#26272a", highlight="#7a6120",
                    highlight_text="#fff6dc"),
    "print": Palette(text="#000000", background="#ffffff", muted="#444444", link="#000000",
                     rule="#999999", box="#f2f2f2", highlight="#e6e6e6",
                     highlight_text="#000000"),
}
