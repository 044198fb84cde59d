"""Safe file names proposed for exports, made from untrusted article titles.

No Qt imports: the window's save dialog and tests use this. A proposed name is valid on
Windows, macOS and Linux alike: no path separators, no characters Windows forbids, no
control characters, no reserved device names (CON, NUL, COM1…), no trailing dot or space,
and at most ``MAX_LENGTH`` characters including the ``.pdf`` extension.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 100
FALLBACK = "article"

# Windows device names, reserved with any extension ("CON.pdf" is still the console).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
    | {f"COM{c}" for c in "¹²³"} | {f"LPT{c}" for c in "¹²³"}
)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')


def safe_filename(title: str, extension: str = ".pdf") -> str:
    """A file name for ``title`` that every desktop OS accepts, ending in ``extension``.

    >>> safe_filename("Mosul: the offensive / day 12?")
    'Mosul - the offensive - day 12.pdf'
    """
    text = unicodedata.normalize("NFC", title)
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = _FORBIDDEN.sub(" - ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\s*-\s*){2,}", " - ", text)
    text = text.strip(" .-")
    if text.lower().endswith(extension.lower()):
        text = text[: -len(extension)].rstrip(" .")
    text = _shorten(text, MAX_LENGTH - len(extension))
    if not text:
        text = FALLBACK
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = f"{text} ({FALLBACK})"
    return text + extension


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary when there is one nearby."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" .-")
