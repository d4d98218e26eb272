"""Where things are, and the environment nbgrader needs to run."""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AUTOGRADER = REPO / "autograder"
SOLUTIONS = REPO / "solutions"
LESSONS = REPO / "lessons"
COURSE_ID = "nn-workbook"
"""nbgrader's course id (PostgreSQL enforces that the course exists; nbgrader's default '' is never created)."""


def assignments() -> list[str]:
    """Assignment names in solutions/, in lesson order."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").exists())


def nbgrader_env(**overrides: str) -> dict[str, str]:
    """Environment for an nbgrader subprocess.

    nbgrader runs the ``alembic`` executable when it creates a gradebook, so this
    interpreter's bin/ must come first on PATH even when the venv is not activated.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(overrides)
    return env


def grading_dir() -> Path:
    """Where grading state lives: $WORKBOOK_GRADING_DIR, else grading/ in the repo (git-ignored)."""
    return Path(os.environ.get("WORKBOOK_GRADING_DIR") or REPO / "grading").resolve()


def db_url() -> str:
    """The gradebook: $WORKBOOK_DB_URL (e.g. postgresql+psycopg://user:pw@host/db), else SQLite in grading_dir()."""
    return os.environ.get("WORKBOOK_DB_URL") or f"sqlite:///{grading_dir() / 'gradebook.db'}"


def ensure_bin_on_path() -> None:
    """nbgrader runs the ``alembic`` executable when it creates a gradebook: put this venv's bin/ on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
