"""Single instance: a second start hands its arguments to the running one (issue 7)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from desktop.ui.instance import (
    SingleInstance,
    decode_arguments,
    default_name,
    encode_arguments,
)
from desktop.ui.instancename import server_may_exist

ARGS = ["--open", "https://example.com/news/world/flood-hits-town", "--search", "café “quoted”"]


@pytest.fixture
def name() -> str:
    return f"broadsheet-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def instances(qtbot: QtBot, name: str) -> Iterator[list[SingleInstance]]:
    """Instances made by a test; their servers are closed afterwards."""
    made: list[SingleInstance] = []
    yield made
    for instance in made:
        instance.close()


def _new(instances: list[SingleInstance], name: str) -> SingleInstance:
    instance = SingleInstance(name)
    instances.append(instance)
    return instance


def test_with_nothing_running_there_is_no_hand_over(
    instances: list[SingleInstance], name: str
) -> None:
    assert _new(instances, name).try_hand_over(ARGS) is False


def test_a_second_instance_hands_its_arguments_to_the_running_one(
    qtbot: QtBot, instances: list[SingleInstance], name: str
) -> None:
    running = _new(instances, name)
    assert running.listen() is True
    with qtbot.waitSignal(running.arguments_received, timeout=5000) as blocker:
        assert _new(instances, name).try_hand_over(ARGS) is True
    assert blocker.args == [ARGS]


def test_a_second_process_hands_over_and_exits(
    qtbot: QtBot, instances: list[SingleInstance], name: str
) -> None:
    running = _new(instances, name)
    running.listen()
    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop.ui.instance import SingleInstance\n"
        "app = QCoreApplication([])\n"
        "sys.exit(0 if SingleInstance(sys.argv[1]).try_hand_over(sys.argv[2:]) else 3)\n"
    )
    with qtbot.waitSignal(running.arguments_received, timeout=20000) as blocker:
        second = subprocess.Popen([sys.executable, "-c", code, name, *ARGS])
    assert second.wait(timeout=20) == 0
    assert blocker.args == [ARGS]


def test_the_running_instance_takes_several_hand_overs(
    qtbot: QtBot, instances: list[SingleInstance], name: str
) -> None:
    running = _new(instances, name)
    running.listen()
    for args in (["--open", "1"], [], ["--open", "2"]):
        with qtbot.waitSignal(running.arguments_received, timeout=5000) as blocker:
            assert _new(instances, name).try_hand_over(args) is True
        assert blocker.args == [args]


def test_a_second_instance_cannot_listen_while_the_first_runs(
    instances: list[SingleInstance], name: str
) -> None:
    assert _new(instances, name).listen() is True
    assert _new(instances, name).listen() is False


def test_closing_frees_the_name(instances: list[SingleInstance], name: str) -> None:
    first = _new(instances, name)
    assert first.listen() is True
    first.close()
    assert first.is_listening() is False
    assert _new(instances, name).listen() is True


def test_a_stale_server_left_by_a_crash_is_recovered(
    qtbot: QtBot, instances: list[SingleInstance], name: str
) -> None:
    # A crashed instance leaves its socket file behind with nobody listening on it.
    stale_path = Path(QDir.tempPath()) / name
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(os.fspath(stale_path))
    dead.close()
    assert stale_path.exists()

    starting = _new(instances, name)
    assert starting.try_hand_over(ARGS) is False
    assert starting.listen() is True
    with qtbot.waitSignal(starting.arguments_received, timeout=5000) as blocker:
        assert _new(instances, name).try_hand_over(["--open", "7"]) is True
    assert blocker.args == [["--open", "7"]]


def test_a_malformed_message_is_dropped_and_the_server_keeps_working(
    qtbot: QtBot, instances: list[SingleInstance], name: str
) -> None:
    running = _new(instances, name)
    running.listen()
    intruder = QLocalSocket()
    intruder.connectToServer(name)
    assert intruder.waitForConnected(2000)
    with qtbot.assertNotEmitted(running.arguments_received, wait=300):
        intruder.write(b'{"open": "rm -rf"}\n')
        intruder.flush()
        qtbot.waitUntil(
            lambda: intruder.state() == QLocalSocket.LocalSocketState.UnconnectedState,
            timeout=5000,
        )
    assert intruder.readAll().data() == b""
    with qtbot.waitSignal(running.arguments_received, timeout=5000) as blocker:
        assert _new(instances, name).try_hand_over(ARGS) is True
    assert blocker.args == [ARGS]


def test_arguments_travel_as_one_json_line() -> None:
    data = encode_arguments(["a\nb", "ünï"])
    assert data.count(b"\n") == 1 and data.endswith(b"\n")
    assert decode_arguments(data) == ["a\nb", "ünï"]


@pytest.mark.parametrize(
    "data", [b"not json\n", b'{"a": 1}\n', b'["ok", 3]\n', b"\xff\xfe\n", b'"text"\n']
)
def test_anything_but_a_list_of_strings_is_refused(data: bytes) -> None:
    assert decode_arguments(data) is None


def test_default_name_depends_on_the_data_folder(tmp_path: Path) -> None:
    one = default_name(tmp_path / "a")
    assert one == default_name(tmp_path / "a")
    assert one != default_name(tmp_path / "b")
    assert one.startswith("broadsheet-")
    assert len(one) < 60  # a Unix socket path must stay under 108 bytes


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a socket file on Linux")
def test_a_server_may_exist_exactly_while_its_socket_file_does(
    instances: list[SingleInstance], name: str
) -> None:
    """What a first start reads, without QtNetwork, to leave hand-over until after its paint:
    it must see every server Qt makes, or a second start would open a second window."""
    assert server_may_exist(name) is False
    running = _new(instances, name)
    assert running.listen() is True
    assert server_may_exist(name) is True
    running.close()
    assert server_may_exist(name) is False
    # A crash leaves the file behind: "may exist", and instance.py finds nobody listening.
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(os.fspath(Path(QDir.tempPath()) / name))
    dead.close()
    assert server_may_exist(name) is True
