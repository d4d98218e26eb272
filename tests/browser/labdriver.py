"""Start a real JupyterLab server and drive it with Chromium, as a student or instructor would.

Nothing here is mocked: the server is ``python -m course lab`` (or ``jupyter lab`` for the
instructor), the browser is Debian's Chromium driven through Playwright, and every step goes
through JupyterLab's own UI (file browser, menus, keyboard). Waits are explicit (kernel idle,
text visible) with generous timeouts, because the test machines are small and shared.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
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

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / ".artifacts" / "screenshots"
CHROMIUM = os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1100}

# Milliseconds. Kernel start and the first JupyterLab load are the slow steps on a busy 2-core machine.
LOAD = 120_000
KERNEL = 120_000
STEP = 30_000


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


def student_lab(root: Path, home: Path) -> contextlib.AbstractContextManager[LabServer]:
    """``python -m course lab --no-browser`` on ``root`` (a copy of lessons/), exactly as the README starts it."""
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "course", "lab", "--no-browser", "--ip", "127.0.0.1", "--port", str(port),
               "--dir", str(root), "--", *server_test_args(token)]
    return serve(command, root=root, home=home, cwd=REPO, port=port, token=token)


# --- driving the page ---------------------------------------------------------------------------

class Lab:
    """One browser tab on JupyterLab, with the steps a person takes in it."""

    def __init__(self, page, server: LabServer) -> None:
        self.page = page
        self.server = server

    # navigation
    def open(self) -> None:
        """Load JupyterLab in a workspace of its own, so no tab or folder carries over from another test."""
        self.page.goto(self.server.url(f"lab/workspaces/{secrets.token_hex(4)}?reset"), timeout=LOAD)
        self.page.locator(".jp-DirListing-content").wait_for(timeout=LOAD)
        self.page.locator(".jp-DirListing-item").first.wait_for(timeout=LOAD)

    def open_from_file_browser(self, *names: str) -> None:
        """From the top folder, double-click through folders and then the file, by name, in the file browser."""
        self.page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click(timeout=STEP)
        for name in names:
            item = self.page.locator(".jp-DirListing-item").filter(
                has=self.page.locator(".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(name)}$")))
            item.dblclick(timeout=STEP)
        self.page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").first.wait_for(timeout=LOAD)
        self.wait_for_kernel_idle()

    def menu(self, *path: str) -> None:
        """Click a menu-bar entry and then items of the menus it opens, e.g. ``menu("Run", "Run All Cells")``."""
        top, *items = path
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click(timeout=STEP)
        for label in items:
            self.page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                              has_text=re.compile(rf"^{re.escape(label)}$")).last.click(timeout=STEP)

    # the notebook
    @property
    def notebook(self):
        return self.page.locator(".jp-NotebookPanel:visible")

    def wait_for_kernel_idle(self, timeout: float = KERNEL) -> None:
        """Wait until the current notebook's kernel is connected and idle, with no cell queued or running."""
        self.page.wait_for_function(
            """() => {
                const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const kernel = panel && panel.sessionContext && panel.sessionContext.session
                               && panel.sessionContext.session.kernel;
                if (!kernel || kernel.connectionStatus !== 'connected' || kernel.status !== 'idle') return false;
                return [...panel.node.querySelectorAll('.jp-InputPrompt')]
                       .every(p => !p.textContent.includes('*'));
            }""", timeout=timeout, polling=250)

    def code_cell(self, containing: str):
        """The code cell whose source contains ``containing`` (first match)."""
        return self.notebook.locator(".jp-CodeCell").filter(
            has=self.page.locator(".jp-InputArea .cm-content", has_text=containing)).first

    def run_cell(self, cell) -> None:
        """Select a cell (command mode) and run it with Shift+Enter, as a student does."""
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Shift+Enter")

    def replace_source(self, cell, source: str) -> None:
        """Click into the cell's editor, select everything and type over it (pasted, so no auto-indent)."""
        editor = cell.locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Escape")  # back to command mode

    def save(self) -> None:
        self.page.keyboard.press("Control+s")
        # The tab loses its "modified" dot once the file is written.
        self.page.locator(".lm-TabBar-tab.lm-mod-current.jp-mod-dirty").wait_for(state="detached", timeout=STEP)

    def markdown_cell(self, containing: str):
        """The rendered markdown cell whose text contains ``containing`` (first match)."""
        return self.notebook.locator(".jp-MarkdownCell").filter(has_text=containing).first

    # pictures
    def scroll_to_top(self, locator) -> None:
        """Scroll the notebook so that ``locator`` sits at the top of the view."""
        locator.evaluate("element => element.scrollIntoView({block: 'start'})")
        self.page.wait_for_timeout(300)  # let the layout settle (images, MathJax) before a picture

    def screenshot(self, name: str, *parts, pad: int = 6) -> Path:
        """Save a PNG in .artifacts/screenshots/: the whole window, or the smallest box around ``parts``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        clip = None
        if parts:
            boxes = [b for b in (p.bounding_box() for p in parts) if b]
            if not boxes:
                raise AssertionError(f"nothing to photograph for {name}: the parts are not on screen")
            view = self.page.viewport_size
            left = max(0, min(b["x"] for b in boxes) - pad)
            top = max(0, min(b["y"] for b in boxes) - pad)
            right = min(view["width"], max(b["x"] + b["width"] for b in boxes) + pad)
            bottom = min(view["height"], max(b["y"] + b["height"] for b in boxes) + pad)
            clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        self.page.screenshot(path=str(path), clip=clip, animations="disabled")
        return path


def instructor_lab(grading: Path, home: Path) -> contextlib.AbstractContextManager[LabServer]:
    """``python -m course lab --instructor --no-browser``: the repository, with the formgrader on the course.

    ``WORKBOOK_GRADING_DIR`` (read by autograder/nbgrader_config.py) keeps the gradebook in ``grading``.
    """
    port, token = free_port(), secrets.token_hex(16)
    env = isolated_jupyter_env(home)
    env["WORKBOOK_GRADING_DIR"] = str(grading)
    command = [sys.executable, "-m", "course", "lab", "--instructor", "--no-browser", "--ip", "127.0.0.1",
               "--port", str(port), "--", *server_test_args(token)]
    return serve(command, root=REPO, home=home, cwd=REPO, env=env, port=port, token=token)
