"""Where things are, and the environment nbgrader needs to run."""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AUTOGRADER = REPO / "autograder"
SOLUTIONS = REPO / "solutions"
LESSONS = REPO / "lessons"


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
