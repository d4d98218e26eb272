"""``python -m course lab``: the command the README tells everyone to run.

One test starts it for real (``--no-browser`` on a free port, as typed by a user) and talks
HTTP to it; the others check how options become the ``jupyter lab`` command line.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course.__main__ import REPO, build_parser, lab_command
from lab_server import free_port, isolated_jupyter_env, stop

LESSONS = REPO / "lessons"


def _command(argv: list[str]) -> list[str]:
    return lab_command(build_parser().parse_args(argv))


def _option(command: list[str], name: str) -> str | None:
    return next((a.split("=", 1)[1] for a in command if a.startswith(f"{name}=")), None)


def test_lab_serves_lessons_with_this_interpreter(monkeypatch) -> None:
    monkeypatch.delenv("WORKBOOK_NO_BROWSER", raising=False)
    command = _command(["lab"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert Path(_option(command, "--ServerApp.root_dir")) == LESSONS
    assert "--no-browser" not in command, "without --no-browser, JupyterLab opens the user's browser"


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", False), ("", False)])
def test_workbook_no_browser_variable(monkeypatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("WORKBOOK_NO_BROWSER", value)
    assert ("--no-browser" in _command(["lab"])) is expected
    assert "--no-browser" in _command(["lab", "--no-browser"])


def test_options_port_ip_dir_and_passthrough(tmp_path: Path) -> None:
    command = _command(["lab", "--port", "9999", "--ip", "127.0.0.1", "--dir", str(tmp_path), "--",
                        "--IdentityProvider.token=abc"])
    assert _option(command, "--port") == "9999" and _option(command, "--ip") == "127.0.0.1"
    assert Path(_option(command, "--ServerApp.root_dir")) == tmp_path.resolve()
    assert command[-1] == "--IdentityProvider.token=abc" and "--" not in command


def test_instructor_serves_the_repository() -> None:
    assert Path(_option(_command(["lab", "--instructor"]), "--ServerApp.root_dir")) == REPO


def test_missing_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no such folder"):
        _command(["lab", "--dir", str(tmp_path / "nope")])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.status, reply.read()


def test_python_m_course_lab_answers_http(tmp_path: Path) -> None:
    """Start the real server exactly as a user would (no token given) and talk to it."""
    port = free_port()
    log = tmp_path / "lab.log"
    env = isolated_jupyter_env(tmp_path / "jupyter")
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "course", "lab", "--no-browser", "--port", str(port),
                                   "--ip", "127.0.0.1"], cwd=tmp_path, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, answer = time.monotonic() + 120, None
        while answer is None and time.monotonic() < deadline:
            assert server.poll() is None, f"python -m course lab exited:\n{log.read_text()[-3000:]}"
            try:
                answer = _get(f"http://127.0.0.1:{port}/api")  # the version endpoint needs no token
            except OSError:
                time.sleep(0.5)
        assert answer is not None, f"no HTTP answer within 120 s:\n{log.read_text()[-3000:]}"
        status, body = answer
        assert status == 200 and "version" in json.loads(body)

        # It serves lessons/: the token it printed opens the lesson folders.
        token = None
        while token is None and time.monotonic() < deadline:
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", log.read_text())
            token = found and found.group(1)
            time.sleep(0.2)
        assert token, f"no token in the server's log:\n{log.read_text()[-3000:]}"
        status, body = _get(f"http://127.0.0.1:{port}/api/contents?token={token}")
        served = {item["name"] for item in json.loads(body)["content"]}
        lessons = {p.name for p in LESSONS.iterdir() if p.is_dir() and not p.name.startswith(".")}
        assert lessons and lessons <= served, f"served {served}, lessons/ has {lessons}"
        assert f"Starting JupyterLab on {LESSONS}" in log.read_text()
    finally:
        stop(server)


def test_root_is_allowed_only_for_root(monkeypatch) -> None:
    """Containers and CI run as root, where Jupyter refuses to start without --allow-root."""
    import os

    for uid, expected in ((0, True), (1000, False)):
        monkeypatch.setattr(os, "geteuid", lambda uid=uid: uid)
        assert ("--allow-root" in _command(["lab"])) is expected
