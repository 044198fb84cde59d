"""Errors a user can meet. No Qt imports: the data layer, the CLI and the window share these.

An expected error carries the file it is about, what went wrong and what to do next; its
``str()`` reads as one sentence. Anything that is not a ``BroadsheetError`` is a bug.
"""

from __future__ import annotations


class BroadsheetError(Exception):
    """An error the user can meet and act on."""

    def __init__(self, path: str | None, reason: str, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.path}: {self.reason}" if self.path else self.reason
        if self.hint:
            text += f" ({self.hint})"
        return text


class SeedError(BroadsheetError):
    """A seed file that cannot be imported; ``reason`` says why."""


class ArchiveError(BroadsheetError):
    """An archive that is missing, corrupt or not a Broadsheet archive."""


class ArticleNotFoundError(BroadsheetError):
    """No article in the archive matches the given id or URL."""


class ExportError(BroadsheetError):
    """A PDF export that could not be written."""
