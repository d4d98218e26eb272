"""Start a real JupyterLab server and drive it with Chromium, as a student or instructor would.

Nothing here is mocked: the server is ``python -m course lab`` (or ``jupyter lab`` for the
instructor), the browser is Debian's Chromium driven through Playwright, and every step goes
through JupyterLab's own UI (file browser, menus, keyboard). Waits are explicit (kernel idle,
text visible) with generous timeouts, because the test machines are small and shared.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
from pathlib import Path

from lab_server import LabServer, free_port, isolated_jupyter_env, serve, server_test_args

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
