"""The Notes side panel: the reader's plain-text note on the open article, saved as they type.

QtWidgets lives here; the note itself is stored by ``UserData.set_note`` (keyed by the
article's normalised URL). Typing restarts a short single-shot timer and the note is saved
when it fires, when another article is opened and when the window closes. A save that fails
(``UserDataError``: disk full, read-only folder) is said once in the panel, not in a dialog;
the unsaved text stays in the editor (and is kept in memory for its article if the reader
moves on) and is tried again on the next save, so nothing typed is thrown away and nothing
saved before is touched.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QDockWidget, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from desktop.data.userdata import UserData, UserDataError
from desktop.override import override

SAVE_DELAY_MS = 500
"""How long after the last keystroke a note is saved."""

NO_ARTICLE_HINT = "Open an article to write a note on it."
EMPTY_HINT = "Your note on this article. It is saved as you type."
ERROR_COLOURS = {"light": "#b03a2e", "dark": "#ff8a7a"}
"""The error line's colour on a light and on a dark window."""
EDITOR_MARGIN = 8


class NotesPanel(QDockWidget):
    """A dock with the note on the open article.

    Signals:
        save_failed(str): a save failed; the message shown in the panel.
        saved(str): the note on the article at this URL was saved.
    """

    save_failed = Signal(str)
    saved = Signal(str)

    def __init__(self, userdata: UserData, parent: QWidget | None = None) -> None:
        super().__init__("Notes", parent)
        self.setObjectName("notes")
        self.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self._userdata = userdata
        self._url: str | None = None
        self._dirty = False
        # Notes whose save failed, by article URL, kept until a save succeeds.
        self._unsaved: dict[str, str] = {}
        self._status_is_error = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._build()
        self.set_article(None)

    def _build(self) -> None:
        body = QWidget(self)
        self.title_label = QLabel(body)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.editor = QPlainTextEdit(body)
        self.editor.setAccessibleName("Note on this article")
        self.editor.setTabChangesFocus(True)
        self.editor.document().setDocumentMargin(EDITOR_MARGIN)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.status_label = QLabel(body)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title_label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status_label)
        self.setWidget(body)
        self.setMinimumWidth(260)

    # -- public ------------------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The URL of the article the panel shows the note of, or None."""
        return self._url

    def text(self) -> str:
        return self.editor.toPlainText()

    def has_unsaved(self) -> bool:
        """True while some typed text could not be saved yet."""
        return self._dirty or bool(self._unsaved)

    def set_article(self, url: str | None, title: str = "") -> None:
        """Save the current note, then show the note on the article at ``url`` (None: none)."""
        self.flush()  # a note that cannot be saved stays in _unsaved for its article
        self._url = url
        self._dirty = False
        text, problem = self._load(url)
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        self.editor.setEnabled(url is not None)
        self.editor.setPlaceholderText(EMPTY_HINT if url is not None else NO_ARTICLE_HINT)
        self.title_label.setText(title)
        self.title_label.setVisible(bool(title))
        if problem:
            self._show_status(problem, error=True)
        elif url is not None and url in self._unsaved:
            self._dirty = True
            self._show_status("This note is not saved yet; it is tried again as you type.",
                              error=True)
        else:
            self._show_status("", error=False)

    def flush(self) -> bool:
        """Save what is typed now (and any earlier note that failed); True when all is saved."""
        self._timer.stop()
        if self._dirty and self._url is not None:
            self._unsaved[self._url] = self.text()
        if not self._unsaved:
            return True
        for url, text in list(self._unsaved.items()):
            try:
                self._userdata.set_note(url, text)
            except UserDataError as exc:
                self._on_save_failed(exc)
                return False
            del self._unsaved[url]
            if url == self._url:
                self._dirty = False
            self.saved.emit(url)
        self._show_status("Saved.", error=False)
        return True

    # -- internals ---------------------------------------------------------------------------

    def _load(self, url: str | None) -> tuple[str, str]:
        """The text to show for ``url`` and a problem to report ("" when none)."""
        if url is None:
            return "", ""
        if url in self._unsaved:
            return self._unsaved[url], ""
        try:
            return self._userdata.note(url), ""
        except UserDataError as exc:
            return "", f"Your note could not be read. {exc}"

    def _on_editor_text_changed(self) -> None:
        if self._url is None:
            return
        self._dirty = True
        self._timer.start()

    def _on_save_failed(self, exc: UserDataError) -> None:
        message = (
            f"Not saved: {exc}\nYour text stays here and is saved as soon as that works "
            "again; nothing saved before is lost."
        )
        self._show_status(message, error=True)
        self.save_failed.emit(message)

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_status()

    def _show_status(self, text: str, *, error: bool) -> None:
        self._status_is_error = error
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        self._colour_status()

    def _colour_status(self) -> None:
        error = self._status_is_error
        palette = self.status_label.palette()
        window = self.palette().color(QPalette.ColorRole.Window)
        error_colour = QColor(ERROR_COLOURS["dark" if window.lightness() < 128 else "light"])
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        palette.setColor(QPalette.ColorRole.WindowText, error_colour if error else muted)
        self.status_label.setPalette(palette)
