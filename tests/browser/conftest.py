"""Fixtures for the browser tests: Debian's Chromium through Playwright, and a student's JupyterLab.

The tests skip, saying why, where Chromium or Playwright is missing (``.ci/setup.d/chromium.sh``
installs Chromium; Playwright's Python package comes with the ``test`` extra). Playwright's own
browser download is never used.
"""
from __future__ import annotations

import os
import shutil

import pytest

from labdriver import CHROMIUM, CHROMIUM_ARGS, REPO, VIEWPORT, Lab, student_lab


def _missing() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium at {CHROMIUM}: run `sudo sh -c '. .ci/setup.d/chromium.sh'` "
                "(apt-get install chromium), or set WORKBOOK_CHROMIUM")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is missing: python3 -m pip install -e \".[test]\""
    return None


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's), shared by the browser tests."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def student_server(chromium, tmp_path_factory):
    """``python -m course lab`` serving a fresh copy of lessons/ (the repository's lessons stay untouched)."""
    base = tmp_path_factory.mktemp("student")
    root = base / "lessons"
    shutil.copytree(REPO / "lessons", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with student_lab(root, base / "jupyter") as server:
        yield server


@pytest.fixture
def lab_factory(chromium, request):
    """Open a new browser tab (its own context: no shared storage) on a server; screenshot on failure."""
    contexts = []

    def open_lab(server) -> Lab:
        context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
        context.set_default_timeout(30_000)
        contexts.append(context)
        lab = Lab(context.new_page(), server)
        lab.open()
        return lab

    yield open_lab
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for context in contexts:
        if failed:
            for i, page in enumerate(context.pages):
                Lab(page, None).screenshot(f"FAILED-{request.node.name}-{i}")
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)

