"""One Broadsheet per user and data folder: a second start hands its arguments over and exits.

QtCore and QtNetwork only (no widgets). ``app.py`` hands over with it before it builds the
window when ``instancename.server_may_exist`` says another one may be running, and otherwise
starts listening after the window's first paint.
The running instance listens on a ``QLocalServer``; a new one connects with a ``QLocalSocket``,
sends its arguments as one JSON line and waits for ``ok``. A server left behind by a crash
(on Unix a socket file nobody listens on) is removed with ``QLocalServer.removeServer``.

Usage::

    instance = SingleInstance(default_name(paths.user_data_dir()))
    if instance.try_hand_over(sys.argv[1:]):
        return 0
    instance.listen()
    instance.arguments_received.connect(window.handle_arguments)

Paths in the arguments are passed as given: make them absolute before handing them over.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from desktop.ui.instancename import default_name

__all__ = ["SingleInstance", "decode_arguments", "default_name", "encode_arguments"]

# A running instance answers this after it has taken the arguments.
_ACK = b"ok\n"
# More than any command line; a peer that sends more is cut off.
_MAX_MESSAGE = 1 << 20
HAND_OVER_TIMEOUT_MS = 2000


def encode_arguments(args: list[str]) -> bytes:
    """One line of JSON: what a new instance sends."""
    return json.dumps(list(args)).encode("utf-8") + b"\n"


def decode_arguments(data: bytes) -> list[str] | None:
    """The arguments in one received line, or None when it is not a JSON list of strings."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return value


class SingleInstance(QObject):
    """The single-instance channel of one app: hand over to a running one, or listen.

    Signals:
        arguments_received(list): a second instance started with these arguments
            (a ``list[str]``) and exited.
    """

    arguments_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        # No UserAccessOption: with it Qt 6.12 binds elsewhere and renames over the name, so a
        # second listen() silently steals a live server's name. Without it bind() fails with
        # AddressInUseError, atomically; who may connect is then set by the umask.
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_server_new_connection)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def name(self) -> str:
        return self._name

    def is_listening(self) -> bool:
        return self._server.isListening()

    # -- the new instance -------------------------------------------------------------------

    def try_hand_over(self, args: list[str], timeout_ms: int = HAND_OVER_TIMEOUT_MS) -> bool:
        """Send ``args`` to a running instance; True when it took them (this one should exit).

        False when no instance is running, when a crashed one left a stale server behind, or
        when the running one did not answer within ``timeout_ms``. Runs a local event loop,
        so it needs a ``QCoreApplication``.
        """
        socket = QLocalSocket(self)
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        answer = bytearray()

        def on_connected() -> None:
            socket.write(encode_arguments(args))

        def on_ready_read() -> None:
            answer.extend(socket.readAll().data())
            if answer.endswith(b"\n"):
                loop.quit()

        socket.connected.connect(on_connected)
        socket.readyRead.connect(on_ready_read)
        socket.errorOccurred.connect(loop.quit)
        socket.disconnected.connect(loop.quit)
        socket.connectToServer(self._name)
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            timer.start(timeout_ms)
            loop.exec()
            timer.stop()
        if socket.isOpen():
            answer.extend(socket.readAll().data())
        taken = bytes(answer) == _ACK
        socket.abort()
        socket.deleteLater()
        return taken

    # -- the running instance ---------------------------------------------------------------

    def listen(self) -> bool:
        """Start taking hand-overs; False when another live instance already listens.

        A server name left behind by a crashed instance (nobody answers on it) is removed
        and taken over.
        """
        if self._server.isListening() or self._server.listen(self._name):
            return True
        if self._server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            return False
        if self._someone_listens():
            return False
        QLocalServer.removeServer(self._name)
        return self._server.listen(self._name)

    def close(self) -> None:
        """Stop listening (the server name is freed for the next start)."""
        self._server.close()

    def _someone_listens(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self._name)
        alive = probe.waitForConnected(500)
        probe.abort()
        return alive

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_socket_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))
            socket.setParent(self)

    def _on_socket_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.extend(socket.readAll().data())
        if len(buffer) > _MAX_MESSAGE:
            self._drop(socket)
            return
        if not buffer.endswith(b"\n"):
            return
        args = decode_arguments(bytes(buffer))
        if args is None:
            self._drop(socket)
            return
        socket.write(_ACK)
        socket.flush()
        socket.disconnectFromServer()
        self.arguments_received.emit(args)

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is not None:
            socket.abort()
            socket.deleteLater()
