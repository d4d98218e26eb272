"""Where the course lives: the one place that defines the repository location.

Each lesson's first cell (built by :func:`setup_cell_source`) and the README's
"Open in Colab" links are generated from these values; a test fails when a notebook's
setup cell drifts from them. To publish the course elsewhere, change them here and run
``python -m autograder sync-setup``.
"""
from __future__ import annotations

REPOSITORY = "nn-foundations/workbook"
"""GitHub ``owner/name`` of the course repository."""

REF = "main"
"""Branch or tag that Colab installs from and opens lessons at."""

DISTRIBUTION = "nn-workbook"
"""The package name in pyproject.toml."""


def pip_spec() -> str:
    """What pip installs in Colab: the package straight from the repository."""
    return f"{DISTRIBUTION} @ git+https://github.com/{REPOSITORY}@{REF}"


def colab_url(notebook_path: str) -> str:
    """The "Open in Colab" address of a notebook given its path in the repository."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{REF}/{notebook_path}"


def setup_cell_source() -> str:
    """The first code cell of every lesson: installs the package only where it is missing."""
    return (
        "# Setup: in Colab (or anywhere the course package is missing) this installs it; otherwise it does nothing.\n"
        "import importlib, importlib.util, subprocess, sys\n"
        'if importlib.util.find_spec("course") is None:\n'
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "{pip_spec()}"], check=True)\n'
        "    importlib.invalidate_caches()\n"
        "import numpy as np\n"
        "import course"
    )
