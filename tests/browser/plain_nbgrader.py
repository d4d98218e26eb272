"""Grade one saved notebook with stock nbgrader commands in a throw-away course directory.

An independent check that what JupyterLab saved is a valid nbgrader submission: the
assignment is generated from solutions/ (so the gradebook holds the hidden tests and the
locked cells' checksums), the notebook is placed in ``submitted/<student>/``, and
``nbgrader autograde`` scores it. Nothing of the repository's grading state is touched.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from autograder.paths import SOLUTIONS, nbgrader_env

CONFIG = """\
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = {source!r}
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.db_url = "sqlite:///" + {db!r}
c.ExecutePreprocessor.timeout = 120
"""


def _nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=course,
                          env=nbgrader_env(), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def grade(saved: Path, assignment: str, course: Path, student: str = "student") -> dict[str, tuple[float, float]]:
    """Autograde ``saved`` as ``student``'s ``assignment``; return ``{grade_id: (score, max_score)}``."""
    from nbgrader.api import Gradebook

    course.mkdir(parents=True, exist_ok=True)
    db = course / "gradebook.db"
    (course / "nbgrader_config.py").write_text(
        CONFIG.format(root=str(course), source=str(SOLUTIONS), db=str(db)))
    _nbgrader(course, "generate_assignment", assignment, "--force")
    submitted = course / "submitted" / student / assignment
    submitted.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved, submitted / f"{assignment}.ipynb")
    _nbgrader(course, "autograde", assignment, "--student", student, "--force")
    with Gradebook(f"sqlite:///{db}") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: (float(g.score), float(g.max_score)) for g in notebook.grades if g.max_score}
