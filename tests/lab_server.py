"""Start and stop real Jupyter servers for the tests (loopback, isolated settings, own process group)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A running Jupyter server: where it listens, its token, what it serves, its log."""

    base_url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path}{sep}token={self.token}"

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"


def isolated_jupyter_env(home: Path) -> dict[str, str]:
    """Environment for a test server: its own settings, workspaces and runtime files.

    A fresh workspace means no tabs restored from an earlier run; the one user setting turns
    off JupyterLab's "fetch news?" toast, which would otherwise cover part of the screenshots.
    """
    settings = home / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ)
    env.update(JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_DATA_DIR=str(home / "data"),
               PYTHONUNBUFFERED="1")
    env.pop("MPLBACKEND", None)  # the tests' Agg must not leak: kernels pick the inline backend, as a student's do
    # nbgrader (formgrader) runs alembic from this interpreter's bin/ when it opens a gradebook.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def wait_until_serving(base_url: str, token: str, process: subprocess.Popen, log: Path,
                       timeout: float = 120.0) -> None:
    """Poll ``/api/status`` until the server answers; fail early (with its log) if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Jupyter server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Jupyter server did not answer within {timeout:.0f} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started (its own process group: the server and its kernels)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def serve(command: list[str], *, root: Path, home: Path, cwd: Path | None = None,
          env: dict[str, str] | None = None, port: int, token: str) -> Iterator[LabServer]:
    """Run ``command`` (a Jupyter server listening on 127.0.0.1:``port``) until the block ends."""
    home.mkdir(parents=True, exist_ok=True)
    log = home / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env or isolated_jupyter_env(home), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(base_url, token, process, log)
        yield LabServer(base_url=base_url, token=token, root=root, log=log, process=process)
    finally:
        stop(process)


def server_test_args(token: str) -> list[str]:
    """Jupyter options for a test server: a known token, no port hopping, and ``window.jupyterapp``.

    The test steps go through the UI; the exposed app only lets them *wait* precisely (kernel
    connected and idle) instead of guessing from how the page looks.
    """
    return [f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0", "--LabApp.expose_app_in_browser=True"]
