"""App icons for the installers, generated at build time from the one committed SVG.

Lives here: rasterising ``resources/icons/broadsheet.svg`` to PNGs (PySide6's QtSvg, imported
only inside ``render_pngs``) and writing the Windows ``.ico`` and macOS ``.icns`` containers
around those PNGs (plain stdlib). Must not import Qt at module level: ``build_installer.py``
imports this before it knows whether Qt is needed, and the container writers are tested
without Qt.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# freedesktop hicolor sizes shipped in the .deb (plus the SVG itself as "scalable").
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Windows shows 16-48 in lists and 256 in large views; PNG entries are fine from Vista on.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# PNG-bearing ICNS element types and the pixel size each one holds (Apple's icns format;
# the @2x types hold twice the point size).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"icp6", 64),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),
    (b"ic09", 512),
    (b"ic14", 512),
    (b"ic10", 1024),
)
ALL_SIZES = tuple(sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES}))


class IconError(Exception):
    """The source image could not be rasterised, or a PNG is not what its size claims."""


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; raises IconError if ``data`` is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise IconError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def ico_bytes(pngs: Mapping[int, bytes], sizes: Iterable[int] = ICO_SIZES) -> bytes:
    """A Windows .ico holding the given square PNGs (PNG-in-ICO, Windows Vista and later).

    The layout is ICONDIR (6 bytes), one 16-byte ICONDIRENTRY per image, then the PNG data;
    a width or height of 0 in an entry means 256.
    """
    chosen = [(size, pngs[size]) for size in sizes]
    for size, data in chosen:
        if png_size(data) != (size, size):
            raise IconError(f"the {size} px PNG is {png_size(data)}")
    header = struct.pack("<HHH", 0, 1, len(chosen))
    offset = len(header) + 16 * len(chosen)
    entries = b""
    for size, data in chosen:
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(data for _, data in chosen)


def icns_bytes(pngs: Mapping[int, bytes], types: Iterable[tuple[bytes, int]] = ICNS_TYPES) -> bytes:
    """A macOS .icns holding the given PNGs: ``icns`` + total length, then (type, length, PNG)."""
    elements = b""
    for ostype, size in types:
        data = pngs[size]
        if png_size(data) != (size, size):
            raise IconError(f"the {size} px PNG is {png_size(data)}")
        elements += ostype + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def render_pngs(svg: Path, sizes: Iterable[int] = ALL_SIZES) -> dict[int, bytes]:
    """Rasterise ``svg`` to square PNGs with a transparent background, one per size.

    Raises:
        IconError: the SVG is missing or Qt cannot read it.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if not svg.is_file():
        raise IconError(f"{svg}: the icon source is missing")
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise IconError(f"{svg}: Qt cannot read this SVG")
    result: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        buffer = QByteArray()
        device = QBuffer(buffer)
        device.open(QIODevice.OpenModeFlag.WriteOnly)
        # PySide6 6.11 accepts only str here although its stub says bytes (ValueError otherwise).
        if not image.save(device, "PNG"):  # type: ignore[call-overload]
            raise IconError(f"{svg}: Qt could not encode the {size} px PNG")
        device.close()
        result[size] = bytes(buffer.data())
    return result


def write_icon_set(svg: Path, out_dir: Path) -> dict[str, Path]:
    """Write ``broadsheet-<N>.png`` for every size, ``broadsheet.ico`` and ``broadsheet.icns``.

    Returns the written files by name (``"ico"``, ``"icns"``, ``"png-<N>"``, ``"svg"``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(svg)
    written: dict[str, Path] = {"svg": svg}
    for size, data in pngs.items():
        path = out_dir / f"broadsheet-{size}.png"
        path.write_bytes(data)
        written[f"png-{size}"] = path
    written["ico"] = out_dir / "broadsheet.ico"
    written["ico"].write_bytes(ico_bytes(pngs))
    written["icns"] = out_dir / "broadsheet.icns"
    written["icns"].write_bytes(icns_bytes(pngs))
    return written
